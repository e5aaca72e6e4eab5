"""Synthetic ECG files for tests (written at test time from code) and a helper that uploads one."""

from functools import lru_cache

from countyhealth.ecg.formats import writers


@lru_cache(maxsize=32)
def recording(heart_rate=72, st=(), seed=1, t_angle=100):
    return writers.synthesise(heart_rate, st_mv=dict(st), seed=seed, t_angle=t_angle)


def ecg_file(fmt="csv", heart_rate=72, st=(), seed=1) -> bytes:
    return writers.WRITERS[fmt](recording(heart_rate, st, seed))


ANTERIOR_STEMI = (("V2", 0.35), ("V3", 0.35), ("V4", 0.3))


def upload(user, resident, *, fmt="csv", st=(), seed=1, **context):
    from countyhealth.ecg.actions import do_upload_ecg

    ecg, _created = do_upload_ecg(acting_user=user, resident_id=resident.pk,
                                  files=[(f"ecg.{fmt}", ecg_file(fmt, st=st, seed=seed))], **context)
    return ecg
