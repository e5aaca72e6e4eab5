"""Search keys for Chinese names: NFKC, no spaces or middle dots, traditional → simplified, toneless pinyin and initials.

`zsf` finds 张三丰 and homophones meet on the same pinyin key (architecture §6)."""

import unicodedata
from functools import lru_cache

import opencc
from pypinyin import Style, lazy_pinyin

_to_simplified = opencc.OpenCC("t2s")


# Separators between the parts of minority and foreign names (阿依古丽·买买提): clerks type the middle dot
# in several ways, or leave it out, so it is no part of the key. NFKC has already folded the half-width ･.
_NAME_SEPARATORS = str.maketrans("", "", "\u00b7\u2022\u2027\u2219\u30fb\u22c5.")


@lru_cache(maxsize=65536)
def normalise_name(name: str) -> str:
    folded = "".join(unicodedata.normalize("NFKC", name).split()).translate(_NAME_SEPARATORS)
    return _to_simplified.convert(folded).lower()


# Surnames read differently from the everyday reading pypinyin picks (曾 zēng not céng, 单 shàn not dān), so
# that "zengguofan" finds 曾国藩. Only the first character of a name of two or more is read as a surname.
SURNAME_READINGS = {
    "曾": "zeng", "单": "shan", "解": "xie", "仇": "qiu", "朴": "piao", "区": "ou", "查": "zha", "盖": "ge",
    "覃": "qin", "缪": "miao", "乐": "yue", "召": "shao", "翟": "zhai", "种": "chong", "折": "she", "尉": "yu",
    "员": "yun", "祭": "zhai", "句": "gou", "秘": "bi", "冼": "xian", "繁": "po", "黑": "he", "重": "chong",
}


@lru_cache(maxsize=65536)
def search_keys(name: str) -> tuple[str, str, str]:
    """(normalised name, full toneless pinyin, pinyin initials), all lower-case ASCII beyond the name."""
    normalised = normalise_name(name)
    syllables = lazy_pinyin(normalised, style=Style.NORMAL, errors="default")
    if len(normalised) > 1 and normalised[0] in SURNAME_READINGS and syllables:
        syllables[0] = SURNAME_READINGS[normalised[0]]
    pinyin = "".join(syllables).replace("ü", "v")
    initials = "".join(s[0] for s in syllables if s)
    return normalised, pinyin, initials
