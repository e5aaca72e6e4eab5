"""The service packages every installation offers (FD2016 §4: 基础性和个性化签约服务包).

Fees follow a common county pattern of the FD2016 funding rule (签约服务费由医保基金、基本公共卫生服务经费和签约居民
付费等分担): the basic and child packages are free to the resident, the others cost the resident 10–20 yuan a
year. Each county adjusts the amounts in the administration pages; this migration only adds missing codes."""

from decimal import Decimal

from django.db import migrations

# code, target group, name zh, name en, fee, insurance, public funds, resident, items zh, items en
PACKAGES = [
    ("JC", "basic", "基础服务包", "Basic package", "40", "0", "40", "0",
     ["建立和更新居民健康档案", "健康教育与健康咨询", "每年1次健康状况评估", "常见病、多发病的诊疗和用药指导",
      "预约上级医院门诊、优先转诊", "预防接种与健康体检提醒"],
     ["Health record kept up to date", "Health education and advice", "Yearly health assessment",
      "Treatment and medication advice for common illnesses", "Booking and priority referral to the county hospital",
      "Reminders for vaccinations and check-ups"]),
    ("LN", "elderly", "老年人服务包", "Elderly package", "120", "70", "40", "10",
     ["每年1次老年人健康体检（血常规、尿常规、肝功能、肾功能、空腹血糖、血脂、心电图、腹部B超）", "生活自理能力评估",
      "中医体质辨识和中医药保健指导", "防跌倒、骨质疏松、认知和情绪健康指导", "行动不便者每年1次上门服务"],
     ["Yearly check-up for the elderly (blood and urine routine, liver and kidney function, fasting glucose, "
      "lipids, ECG, abdominal ultrasound)", "Self-care ability assessment",
      "Traditional Chinese medicine constitution assessment and advice",
      "Advice on falls, osteoporosis, cognition and mood", "A yearly home visit for those who cannot travel"]),
    ("GXY", "chronic", "高血压患者服务包", "Hypertension package", "120", "70", "30", "20",
     ["每年至少4次面对面随访和血压测量", "用药指导与调整、不良反应观察", "每年1次较全面的健康体检",
      "生活方式干预（限盐、控烟限酒、运动）", "血压控制不满意或出现并发症时优先转诊"],
     ["At least 4 face-to-face follow-ups with blood pressure a year", "Medication advice, adjustment and "
      "side-effect watch", "Yearly comprehensive check-up", "Lifestyle advice (salt, tobacco, alcohol, exercise)",
      "Priority referral when uncontrolled or with complications"]),
    ("TNB", "chronic", "2型糖尿病患者服务包", "Type 2 diabetes package", "120", "70", "30", "20",
     ["每年至少4次面对面随访和空腹血糖检测", "用药（含胰岛素）指导", "每年1次较全面的健康体检",
      "足部检查和并发症筛查指导", "血糖控制不满意或出现并发症时优先转诊"],
     ["At least 4 face-to-face follow-ups with fasting glucose a year", "Medication advice, insulin included",
      "Yearly comprehensive check-up", "Foot examination and complication screening advice",
      "Priority referral when uncontrolled or with complications"]),
    ("ET", "child", "0～6岁儿童服务包", "Child package (0–6)", "40", "0", "40", "0",
     ["新生儿家庭访视和满月健康管理", "按月龄健康检查（3、6、8、12、18、24、30、36月龄，4、5、6岁）",
      "生长发育和心理行为发育评估", "喂养、营养和口腔保健指导", "预防接种提醒"],
     ["Newborn home visit and one-month check", "Check-ups by age (3, 6, 8, 12, 18, 24, 30, 36 months; 4, 5, "
      "6 years)", "Growth and development assessment", "Feeding, nutrition and oral health advice",
      "Vaccination reminders"]),
    ("YCF", "maternal", "孕产妇服务包", "Maternal package", "60", "0", "50", "10",
     ["孕13周前建立《母子健康手册》和第1次产前检查", "孕期健康指导和高危因素筛查、转诊", "产后1周内家庭访视",
      "产后42天健康检查", "母乳喂养和新生儿护理指导"],
     ["Maternal and child health handbook and first antenatal check before 13 weeks",
      "Pregnancy advice, risk screening and referral", "Home visit within a week after delivery",
      "42-day postpartum check", "Breastfeeding and newborn care advice"]),
    ("CJ", "disabled", "残疾人服务包", "Disability package", "120", "70", "50", "0",
     ["每年1次健康评估和康复需求评估", "康复训练指导和辅助器具使用指导", "行动不便者上门服务", "优先转诊"],
     ["Yearly health and rehabilitation needs assessment", "Rehabilitation exercise and assistive device advice",
      "Home visits for those who cannot travel", "Priority referral"]),
    ("JSB", "severe_mental", "严重精神障碍患者服务包", "Severe mental disorder package", "120", "70", "50", "0",
     ["每年至少4次随访和危险性评估", "服药指导和不良反应观察", "每年1次健康体检", "家属护理和康复指导"],
     ["At least 4 follow-ups with risk assessment a year", "Medication advice and side-effect watch",
      "Yearly check-up", "Care and rehabilitation advice for the family"]),
    ("FJH", "tuberculosis", "肺结核患者服务包", "Tuberculosis package", "60", "0", "60", "0",
     ["全疗程督导服药", "每月随访评估", "复查提醒和密切接触者筛查提醒", "治疗结束评估"],
     ["Supervised treatment for the whole course", "Monthly follow-up", "Reminders for re-examination and "
      "contact screening", "End-of-treatment assessment"]),
]


def add_packages(apps, schema_editor):
    ServicePackage = apps.get_model("familydoctor", "ServicePackage")
    for order, (code, group, name_zh, name_en, fee, insurance, public, resident, items_zh, items_en) in enumerate(
        PACKAGES, 1
    ):
        ServicePackage.objects.get_or_create(code=code, defaults={
            "target_group": group, "name_zh": name_zh, "name_en": name_en, "annual_fee": Decimal(fee),
            "insurance_amount": Decimal(insurance), "public_funds_amount": Decimal(public),
            "resident_amount": Decimal(resident), "content_zh": "\n".join(items_zh),
            "content_en": "\n".join(items_en), "sort_order": order * 10,
        })


def remove_packages(apps, schema_editor):
    ServicePackage = apps.get_model("familydoctor", "ServicePackage")
    ServicePackage.objects.filter(code__in=[p[0] for p in PACKAGES], contracts__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("familydoctor", "0001_initial")]
    operations = [migrations.RunPython(add_packages, remove_packages)]
