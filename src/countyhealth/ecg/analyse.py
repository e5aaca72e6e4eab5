"""python -m countyhealth.ecg.analyse FILE [--sex M|F] [--age YEARS]: the upload path's pre-analysis as JSON."""

import argparse
import json
import os
import sys


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Pre-analyse an ECG file (DICOM, HL7 aECG, GE MUSE, SCP-ECG, WFDB zip, CSV).")
    parser.add_argument("file")
    parser.add_argument("--sex", choices=["M", "F"])
    parser.add_argument("--age", type=int)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "countyhealth.settings")
    os.environ.setdefault("SECRET_KEY", "cli-only")  # the analysis needs settings for messages, not secrets
    import django

    django.setup()
    from .analysis import analyse
    from .formats import DecodeError, decode

    with open(args.file, "rb") as handle:
        data = handle.read()
    try:
        result = analyse(decode(data, args.file), sex=args.sex, age=args.age)
    except DecodeError as error:
        print(json.dumps({"error": error.code, "message": str(error.message)}, ensure_ascii=False), file=sys.stderr)
        return 2
    result.pop("r_peaks", None)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
