from countyhealth.imaging.samples import ct_study, matching_study, zipped

__all__ = ["ct_study", "matching_study", "zipped"]
