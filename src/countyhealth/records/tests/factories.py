"""Complete form data for the record's two forms, for tests (and as an example for the demo seeder)."""

from datetime import date


def personal_info_data(**changes) -> dict:
    """Every group of PHS3 §2.1 answered."""
    data = {
        "work_unit": "东山村委会", "contact_name": "张建国", "contact_phone": "13900001111",
        "blood_type": "1", "rh_negative": "1", "education": "7", "occupation": "4", "marital_status": "2",
        "payment_methods": ["2"], "payment_other": "",
        "drug_allergies": ["2"], "drug_allergy_other": "", "exposures": ["1"],
        "past_diseases": [{"code": "2", "diagnosed": "2015-06", "note": ""}],
        "operations": [{"name": "阑尾切除术", "date": "2001-03-04"}], "injuries": [], "transfusions": [],
        "family_father": ["2", "7"], "family_mother": ["1"], "family_siblings": ["1"], "family_children": ["1"],
        "family_other": "", "hereditary_disease": "",
        "disabilities": ["1"], "disability_other": "",
        "kitchen_exhaust": "2", "fuel": "1", "water": "1", "toilet": "1", "livestock_pen": "1",
    }
    data.update(changes)
    return data


def elderly_check_data(check_date: date, **changes) -> dict:
    """A 健康体检表 complete for the elderly programme (§5.2): every required field and the 8 tests."""
    data = {
        "check_date": check_date,
        "symptoms": ["1"],
        "temperature": "36.5", "pulse_rate": 72, "respiratory_rate": 18,
        "sbp_left": 138, "dbp_left": 84, "sbp_right": 142, "dbp_right": 82,
        "height_cm": "165.0", "weight_kg": "68.0", "waist_cm": "88.0",
        "self_rated_health": "2", "self_care_eating": "1", "self_care_grooming": "2", "self_care_dressing": "1",
        "self_care_toileting": "1", "self_care_mobility": "2",
        "cognition_screen": "1", "mood_screen": "1",
        "exercise_frequency": "3", "diet": ["1"], "smoking_status": "1", "drinking_frequency": "1",
        "occupational_exposure": "1",
        "lips": "1", "dentition": ["2"], "pharynx": "1", "vision_left": "4.8", "vision_right": "4.9",
        "hearing": "1", "motor_function": "1",
        "skin": "1", "sclera": "1", "lymph_nodes": "1", "barrel_chest": "1", "breath_sounds": "1", "rales": "1",
        "heart_rate": 72, "heart_rhythm": "1", "heart_murmur": "1",
        "abdominal_tenderness": "1", "abdominal_mass": "1", "hepatomegaly": "1", "splenomegaly": "1",
        "shifting_dullness": "1", "leg_oedema": "1",
        "haemoglobin": "132", "wbc": "6.2", "platelets": 210,
        "urine_protein": "1", "urine_glucose": "1", "urine_ketone": "1", "urine_occult_blood": "1",
        "alt": "22", "ast": "25", "tbil": "12.5", "creatinine": "78", "urea": "5.1", "fpg": "5.6",
        "tc": "4.8", "tg": "1.4", "ldl_c": "2.9", "hdl_c": "1.3",
        "ecg": "1", "abdominal_ultrasound": "1",
        "cerebrovascular": ["1"], "kidney_disease": ["1"], "heart_disease": ["1"], "vascular_disease": ["1"],
        "eye_disease": ["1"], "nervous_system_disease": "1", "other_system_disease": "1",
        "medications": [{"drug": "氨氯地平", "usage": "口服", "dose": "5mg qd", "duration": "3年", "adherence": "1"}],
        "health_evaluation": "1",
        "guidance": [], "risk_factor_control": ["3", "4"],
    }
    data.update(changes)
    return data
