"""Code sets of the health record forms, as data: code → (name_zh, name_en), read with `core.codes.label`
and `core.codes.choices`. Codes and Chinese names follow the printed forms of PHS3 (《国家基本公共卫生服务规范
（第三版）》 附件 个人基本信息表 / 健康体检表) and WS 364 where the form defers to it.
"""


def _table(*rows: tuple[str, str, str]) -> dict[str, tuple[str, str]]:
    return {code: (zh, en) for code, zh, en in rows}


NONE_CODE = "1"  # in every multi-select below that offers 无 / 无症状 / 未发现, the code is "1"

# ---- 个人基本信息表 -----------------------------------------------------------------------------

BLOOD_TYPE = _table(("1", "A型", "A"), ("2", "B型", "B"), ("3", "O型", "O"), ("4", "AB型", "AB"), ("5", "不详", "Unknown"))
RH_NEGATIVE = _table(("1", "否", "No"), ("2", "是", "Yes"), ("3", "不详", "Unknown"))
EDUCATION = _table(
    ("1", "研究生", "Postgraduate"), ("2", "大学本科", "Bachelor's degree"),
    ("3", "大学专科和专科学校", "Junior college"), ("4", "中等专业学校", "Secondary vocational school"),
    ("5", "技工学校", "Technical school"), ("6", "高中", "Senior high school"), ("7", "初中", "Junior high school"),
    ("8", "小学", "Primary school"), ("9", "文盲或半文盲", "Illiterate or semi-literate"), ("10", "不详", "Unknown"),
)
OCCUPATION = _table(
    ("0", "国家机关、党群组织、企业、事业单位负责人", "Head of a state organ, party, enterprise or institution"),
    ("1", "专业技术人员", "Professional or technician"),
    ("2", "办事人员和有关人员", "Clerk"),
    ("3", "商业、服务业人员", "Commerce or service worker"),
    ("4", "农、林、牧、渔、水利业生产人员", "Farming, forestry, animal husbandry, fishery or water conservancy"),
    ("5", "生产、运输设备操作人员及有关人员", "Production or transport equipment operator"),
    ("6", "军人", "Military"),
    ("7", "不便分类的其他从业人员", "Other occupation"),
    ("8", "无职业", "No occupation"),
)
MARITAL_STATUS = _table(("1", "未婚", "Never married"), ("2", "已婚", "Married"), ("3", "丧偶", "Widowed"),
                        ("4", "离婚", "Divorced"), ("5", "未说明的婚姻状况", "Not stated"))
# The printed form's 3 新型农村合作医疗 was merged into 城乡居民基本医疗保险 (国发〔2016〕3号), so code 2 carries
# the merged scheme and 3 is not offered; the other codes keep their printed numbers.
PAYMENT_METHOD = _table(
    ("1", "城镇职工基本医疗保险", "Employee basic medical insurance"),
    ("2", "城乡居民基本医疗保险", "Resident basic medical insurance"),
    ("4", "贫困救助", "Poverty relief"), ("5", "商业医疗保险", "Commercial insurance"),
    ("6", "全公费", "Fully publicly funded"), ("7", "全自费", "Fully self-paid"), ("8", "其他", "Other"),
)
DRUG_ALLERGY = _table(("1", "无", "None"), ("2", "青霉素", "Penicillin"), ("3", "磺胺", "Sulfonamides"),
                      ("4", "链霉素", "Streptomycin"), ("5", "其他", "Other"))
EXPOSURE = _table(("1", "无", "None"), ("2", "化学品", "Chemicals"), ("3", "毒物", "Poisons"),
                  ("4", "射线", "Radiation"))
PAST_DISEASE = _table(
    ("1", "无", "None"), ("2", "高血压", "Hypertension"), ("3", "糖尿病", "Diabetes"),
    ("4", "冠心病", "Coronary heart disease"), ("5", "慢性阻塞性肺疾病", "COPD"),
    ("6", "恶性肿瘤", "Malignant tumour"), ("7", "脑卒中", "Stroke"), ("8", "严重精神障碍", "Severe mental disorder"),
    ("9", "结核病", "Tuberculosis"), ("10", "肝炎", "Hepatitis"), ("11", "其他法定传染病", "Other notifiable disease"),
    ("12", "职业病", "Occupational disease"), ("13", "其他", "Other"),
)
# The form's family-history list replaces 其他法定传染病 and 职业病 with 先天畸形.
FAMILY_DISEASE = _table(
    ("1", "无", "None"), ("2", "高血压", "Hypertension"), ("3", "糖尿病", "Diabetes"),
    ("4", "冠心病", "Coronary heart disease"), ("5", "慢性阻塞性肺疾病", "COPD"),
    ("6", "恶性肿瘤", "Malignant tumour"), ("7", "脑卒中", "Stroke"), ("8", "严重精神障碍", "Severe mental disorder"),
    ("9", "结核病", "Tuberculosis"), ("10", "肝炎", "Hepatitis"), ("11", "先天畸形", "Congenital malformation"),
    ("12", "其他", "Other"),
)
DISABILITY = _table(
    ("1", "无残疾", "No disability"), ("2", "视力残疾", "Visual"), ("3", "听力残疾", "Hearing"),
    ("4", "言语残疾", "Speech"), ("5", "肢体残疾", "Physical"), ("6", "智力残疾", "Intellectual"),
    ("7", "精神残疾", "Mental"), ("8", "其他残疾", "Other"),
)
KITCHEN_EXHAUST = _table(("1", "无", "None"), ("2", "油烟机", "Range hood"), ("3", "换气扇", "Exhaust fan"),
                         ("4", "烟囱", "Chimney"))
FUEL = _table(("1", "液化气", "Liquefied gas"), ("2", "煤", "Coal"), ("3", "天然气", "Natural gas"),
              ("4", "沼气", "Biogas"), ("5", "柴火", "Firewood"), ("6", "其他", "Other"))
WATER = _table(("1", "自来水", "Tap water"), ("2", "经净化过滤的水", "Purified water"), ("3", "井水", "Well water"),
               ("4", "河湖水", "River or lake water"), ("5", "塘水", "Pond water"), ("6", "其他", "Other"))
TOILET = _table(("1", "卫生厕所", "Sanitary toilet"), ("2", "一格或二格粪池式", "One- or two-compartment septic pit"),
                ("3", "马桶", "Commode"), ("4", "露天粪坑", "Open pit"), ("5", "简易棚厕", "Simple shed latrine"))
LIVESTOCK_PEN = _table(("1", "无", "None"), ("2", "单设", "Separate"), ("3", "室内", "Indoors"),
                       ("4", "室外", "Outdoors"))

# ---- 健康体检表 ---------------------------------------------------------------------------------

SYMPTOM = _table(
    ("1", "无症状", "No symptoms"), ("2", "头痛", "Headache"), ("3", "头晕", "Dizziness"), ("4", "心悸", "Palpitations"),
    ("5", "胸闷", "Chest tightness"), ("6", "胸痛", "Chest pain"), ("7", "慢性咳嗽", "Chronic cough"),
    ("8", "咳痰", "Sputum"), ("9", "呼吸困难", "Dyspnoea"), ("10", "多饮", "Polydipsia"), ("11", "多尿", "Polyuria"),
    ("12", "体重下降", "Weight loss"), ("13", "乏力", "Fatigue"), ("14", "关节肿痛", "Joint swelling and pain"),
    ("15", "视力模糊", "Blurred vision"), ("16", "手脚麻木", "Numb hands or feet"), ("17", "尿急", "Urinary urgency"),
    ("18", "尿痛", "Painful urination"), ("19", "便秘", "Constipation"), ("20", "腹泻", "Diarrhoea"),
    ("21", "恶心呕吐", "Nausea and vomiting"), ("22", "眼花", "Dim vision"), ("23", "耳鸣", "Tinnitus"),
    ("24", "乳房胀痛", "Breast tenderness"), ("25", "其他", "Other"),
)
SELF_RATED_HEALTH = _table(("1", "满意", "Satisfied"), ("2", "基本满意", "Mostly satisfied"),
                           ("3", "说不清楚", "Not sure"), ("4", "不太满意", "Not very satisfied"),
                           ("5", "不满意", "Dissatisfied"))
SELF_CARE_LEVEL = _table(("1", "可自理", "Independent"), ("2", "轻度依赖", "Mildly dependent"),
                         ("3", "中度依赖", "Moderately dependent"), ("4", "不能自理", "Unable to care for self"))
SCREEN = _table(("1", "粗筛阴性", "Screen negative"), ("2", "粗筛阳性", "Screen positive"))
EXERCISE_FREQUENCY = _table(("1", "每天", "Every day"), ("2", "每周一次以上", "More than once a week"),
                            ("3", "偶尔", "Occasionally"), ("4", "不锻炼", "No exercise"))
DIET = _table(("1", "荤素均衡", "Balanced"), ("2", "荤食为主", "Mainly meat"), ("3", "素食为主", "Mainly vegetarian"),
              ("4", "嗜盐", "Salty food"), ("5", "嗜油", "Oily food"), ("6", "嗜糖", "Sweet food"))
SMOKING_STATUS = _table(("1", "从不吸烟", "Never smoked"), ("2", "已戒烟", "Quit smoking"), ("3", "吸烟", "Smokes"))
DRINKING_FREQUENCY = _table(("1", "从不", "Never"), ("2", "偶尔", "Occasionally"), ("3", "经常", "Often"),
                            ("4", "每天", "Every day"))
DRINKING_QUIT = _table(("1", "未戒酒", "Not quit"), ("2", "已戒酒", "Quit"))
YES_NO = _table(("1", "是", "Yes"), ("2", "否", "No"))
DRINK_TYPE = _table(("1", "白酒", "Spirits"), ("2", "啤酒", "Beer"), ("3", "红酒", "Wine"),
                    ("4", "黄酒", "Rice wine"), ("5", "其他", "Other"))
ABSENT_PRESENT = _table(("1", "无", "None"), ("2", "有", "Present"))
PROTECTION = _table(("1", "无", "None"), ("2", "有", "Yes"))
LIPS = _table(("1", "红润", "Rosy"), ("2", "苍白", "Pale"), ("3", "发绀", "Cyanotic"), ("4", "皲裂", "Chapped"),
              ("5", "疱疹", "Herpes"))
DENTITION = _table(("1", "正常", "Normal"), ("2", "缺齿", "Missing teeth"), ("3", "龋齿", "Caries"),
                   ("4", "义齿（假牙）", "Dentures"))
PHARYNX = _table(("1", "无充血", "No congestion"), ("2", "充血", "Congested"),
                 ("3", "淋巴滤泡增生", "Lymphoid follicle hyperplasia"))
HEARING = _table(("1", "听见", "Hears"), ("2", "听不清或无法听见", "Hears unclearly or not at all"))
MOTOR_FUNCTION = _table(("1", "可顺利完成", "Completes smoothly"),
                        ("2", "无法独立完成任何一个动作", "Cannot complete any movement alone"))
NORMAL_ABNORMAL = _table(("1", "正常", "Normal"), ("2", "异常", "Abnormal"))
SKIN = _table(("1", "正常", "Normal"), ("2", "潮红", "Flushed"), ("3", "苍白", "Pale"), ("4", "发绀", "Cyanotic"),
              ("5", "黄染", "Jaundiced"), ("6", "色素沉着", "Pigmented"), ("7", "其他", "Other"))
SCLERA = _table(("1", "正常", "Normal"), ("2", "黄染", "Jaundiced"), ("3", "充血", "Congested"), ("4", "其他", "Other"))
LYMPH_NODES = _table(("1", "未触及", "Not palpable"), ("2", "锁骨上", "Supraclavicular"), ("3", "腋窝", "Axillary"),
                     ("4", "其他", "Other"))
NO_YES = _table(("1", "否", "No"), ("2", "是", "Yes"))
RALES = _table(("1", "无", "None"), ("2", "干啰音", "Dry rales"), ("3", "湿啰音", "Moist rales"), ("4", "其他", "Other"))
HEART_RHYTHM = _table(("1", "齐", "Regular"), ("2", "不齐", "Irregular"), ("3", "绝对不齐", "Absolutely irregular"))
LEG_OEDEMA = _table(("1", "无", "None"), ("2", "单侧", "One side"), ("3", "双侧不对称", "Both sides, asymmetric"),
                    ("4", "双侧对称", "Both sides, symmetric"))
DORSALIS_PEDIS = _table(("1", "未触及", "Not palpable"), ("2", "触及双侧对称", "Palpable, symmetric"),
                        ("3", "触及左侧弱或消失", "Left weak or absent"), ("4", "触及右侧弱或消失", "Right weak or absent"))
DRE = _table(("1", "未及异常", "No abnormality"), ("2", "触痛", "Tenderness"), ("3", "包块", "Mass"),
             ("4", "前列腺异常", "Prostate abnormal"), ("5", "其他", "Other"))
BREAST = _table(("1", "未见异常", "No abnormality"), ("2", "乳房切除", "Mastectomy"),
                ("3", "异常泌乳", "Abnormal lactation"), ("4", "乳腺包块", "Breast mass"), ("5", "其他", "Other"))
URINE_DIPSTICK = _table(("1", "-", "-"), ("2", "±", "±"), ("3", "+", "+"), ("4", "++", "++"), ("5", "+++", "+++"),
                        ("6", "++++", "++++"))
NEGATIVE_POSITIVE = _table(("1", "阴性", "Negative"), ("2", "阳性", "Positive"))
CEREBROVASCULAR = _table(("1", "未发现", "None found"), ("2", "缺血性卒中", "Ischaemic stroke"),
                         ("3", "脑出血", "Cerebral haemorrhage"), ("4", "蛛网膜下腔出血", "Subarachnoid haemorrhage"),
                         ("5", "短暂性脑缺血发作", "Transient ischaemic attack"), ("6", "其他", "Other"))
KIDNEY = _table(("1", "未发现", "None found"), ("2", "糖尿病肾病", "Diabetic nephropathy"),
                ("3", "肾功能衰竭", "Renal failure"), ("4", "急性肾炎", "Acute nephritis"),
                ("5", "慢性肾炎", "Chronic nephritis"), ("6", "其他", "Other"))
HEART = _table(("1", "未发现", "None found"), ("2", "心肌梗死", "Myocardial infarction"), ("3", "心绞痛", "Angina"),
               ("4", "冠状动脉血运重建", "Coronary revascularisation"),
               ("5", "充血性心力衰竭", "Congestive heart failure"), ("6", "心前区疼痛", "Precordial pain"),
               ("7", "其他", "Other"))
VASCULAR = _table(("1", "未发现", "None found"), ("2", "夹层动脉瘤", "Dissecting aneurysm"),
                  ("3", "动脉闭塞性疾病", "Arterial occlusive disease"), ("4", "其他", "Other"))
EYE = _table(("1", "未发现", "None found"), ("2", "视网膜出血或渗出", "Retinal haemorrhage or exudate"),
             ("3", "视乳头水肿", "Papilloedema"), ("4", "白内障", "Cataract"), ("5", "其他", "Other"))
NOT_FOUND_PRESENT = _table(("1", "未发现", "None found"), ("2", "有", "Present"))
ADHERENCE = _table(("1", "规律", "Regular"), ("2", "间断", "Intermittent"), ("3", "不服药", "Not taking"))
HEALTH_EVALUATION = _table(("1", "体检无异常", "No abnormality found"), ("2", "有异常", "Abnormal"))
GUIDANCE = _table(("1", "纳入慢性病患者健康管理", "Enrol in chronic disease management"),
                  ("2", "建议复查", "Re-check advised"), ("3", "建议转诊", "Referral advised"))
RISK_FACTOR_CONTROL = _table(
    ("1", "戒烟", "Quit smoking"), ("2", "健康饮酒", "Drink healthily"), ("3", "饮食", "Diet"),
    ("4", "锻炼", "Exercise"), ("5", "减体重", "Lose weight"), ("6", "建议接种疫苗", "Vaccination advised"),
    ("7", "其他", "Other"),
)
HAZARD_KIND = _table(("1", "粉尘", "Dust"), ("2", "放射物质", "Radioactive material"), ("3", "物理因素", "Physical factors"),
                     ("4", "化学物质", "Chemicals"), ("5", "其他", "Other"))
