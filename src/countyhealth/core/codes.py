"""National code sets (GB/T 2261.1 sex, GB 3304 ethnicity), kept as data with Chinese and English names."""

from django.utils.translation import get_language

SEX = {"0": ("未知的性别", "Unknown"), "1": ("男", "Male"), "2": ("女", "Female"), "9": ("未说明的性别", "Unspecified")}

ETHNICITY_ZH = (
    "汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 土家族 哈尼族 哈萨克族 傣族 黎族 傈僳族 "
    "佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族 景颇族 柯尔克孜族 土族 达斡尔族 仫佬族 羌族 布朗族 撒拉族 毛南族 仡佬族 锡伯族 "
    "阿昌族 普米族 塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族 京族 塔塔尔族 独龙族 鄂伦春族 赫哲族 门巴族 "
    "珞巴族 基诺族"
).split()
ETHNICITY_EN = (
    "Han,Mongol,Hui,Tibetan,Uyghur,Miao,Yi,Zhuang,Bouyei,Korean,Manchu,Dong,Yao,Bai,Tujia,Hani,Kazakh,Dai,Li,"
    "Lisu,Va,She,Gaoshan,Lahu,Sui,Dongxiang,Naxi,Jingpo,Kyrgyz,Tu,Daur,Mulao,Qiang,Blang,Salar,Maonan,Gelao,"
    "Xibe,Achang,Pumi,Tajik,Nu,Uzbek,Russian,Evenki,De'ang,Bonan,Yugur,Gin,Tatar,Derung,Oroqen,Hezhen,Monpa,"
    "Lhoba,Jino"
).split(",")
ETHNICITY = {f"{i:02d}": (zh, en) for i, (zh, en) in enumerate(zip(ETHNICITY_ZH, ETHNICITY_EN, strict=True), 1)}
ETHNICITY["97"] = ("其他未识别民族", "Other unidentified")
ETHNICITY["98"] = ("外国血统中国籍人士", "Naturalised citizen of foreign origin")


def label(table: dict, code: str | None) -> str:
    if code is None or code not in table:
        return code or ""
    zh, en = table[code]
    return en if (get_language() or "zh-hans").startswith("en") else zh


def choices(table: dict) -> list[tuple[str, str]]:
    return [(code, label(table, code)) for code in table]
