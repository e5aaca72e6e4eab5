"""Synthetic ECG files for tests (written at test time from code) and a helper that uploads one."""

from functools import lru_cache

import numpy as np

from countyhealth.ecg.formats import Recording, writers


@lru_cache(maxsize=32)
def _synthesised(heart_rate, st, t_angle):
    return writers.synthesise(heart_rate, st_mv=dict(st), seed=1, t_angle=t_angle)


@lru_cache(maxsize=64)
def recording(heart_rate=72, st=(), seed=1, t_angle=100):
    """ECGSYN takes ~1 s a signal; tests need many distinct files but few distinct signals. `seed` therefore
    shifts one synthesised signal by seed µV (new bytes, new SHA-256; the high-pass analysis sees the same ECG)."""
    base = _synthesised(heart_rate, st, t_angle)
    if seed == 1:
        return base
    return Recording(leads={name: values + np.float32(0.001 * seed) for name, values in base.leads.items()},
                     sampling_rate=base.sampling_rate, source_format=base.source_format)


def ecg_file(fmt="csv", heart_rate=72, st=(), seed=1) -> bytes:
    return writers.WRITERS[fmt](recording(heart_rate, st, seed))


ANTERIOR_STEMI = (("V2", 0.35), ("V3", 0.35), ("V4", 0.3))


def upload(user, resident, *, fmt="csv", st=(), seed=1, **context):
    from countyhealth.ecg.actions import do_upload_ecg

    ecg, _created = do_upload_ecg(acting_user=user, resident_id=resident.pk,
                                  files=[(f"ecg.{fmt}", ecg_file(fmt, st=st, seed=seed))], **context)
    return ecg
