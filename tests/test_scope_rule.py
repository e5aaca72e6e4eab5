from countyhealth.residents.models import AccessGrant, Resident


def test_scope_follows_the_organisation_tree(county, users, make_resident):
    a1 = make_resident(county.village_a1)
    a2 = make_resident(county.village_a2)
    b1 = make_resident(county.village_b1)

    def visible(user):
        return set(Resident.objects.visible_to(user).values_list("id", flat=True))

    assert visible(users.village_doctor_a1) == {a1.id}
    assert visible(users.township_doctor_a) == {a1.id, a2.id}
    assert visible(users.township_doctor_b) == {b1.id}
    assert visible(users.public_health_officer) == {a1.id, a2.id, b1.id}
    assert visible(users.admin) == {a1.id, a2.id, b1.id}
    assert visible(users.ecg_reader) == set()
    assert visible(users.bureau_viewer) == set()

    AccessGrant.objects.create(resident=b1, organisation=county.hospital, reason=AccessGrant.Reason.ECG_READING)
    users.ecg_reader.refresh_from_db()
    assert visible(users.ecg_reader) == {b1.id}
    # A grant to the county hospital does not widen a township's view.
    assert visible(users.township_doctor_a) == {a1.id, a2.id}
