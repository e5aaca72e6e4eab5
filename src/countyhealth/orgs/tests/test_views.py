from django.urls import reverse


def test_organisation_tree_lists_the_consortium_in_order(client, county, users, django_assert_max_num_queries):
    client.force_login(users.village_doctor_a1)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("orgs:organisation-tree"))
    html = response.content.decode().split("<tbody>", 1)[1]
    assert response.status_code == 200
    assert html.index("县人民医院") < html.index("东山镇卫生院") < html.index("东山村卫生室") < html.index("西河镇卫生院")
    assert "430124101201" in html  # the village's division code


def test_paths_are_materialised_from_the_parent(county):
    assert county.hospital.path == "001"
    assert county.township_a.path.startswith("001.")
    assert county.clinic_a1.path.startswith(county.township_a.path + ".")
    assert county.clinic_a1.depth == 2
