"""What the demo population looks like: where people work, their specialties, stages, what they seek and offer.

Weights are relative, not per cent. They give a believable skew (internal medicine and its sub-specialties are
the largest group; most people are in North America), not real statistics.
"""

from __future__ import annotations

from dataclasses import dataclass

from profiles.models import CareerStage, Goal


@dataclass(frozen=True)
class Region:
    weight: float
    time_zones: tuple[tuple[str, float], ...]
    schools: tuple[str, ...]  # where students train
    hospitals: tuple[str, ...]  # where residents, fellows and attendings work
    backgrounds: tuple[tuple[str, float], ...]
    speaks_english: float = 1.0


_US_MIX = (
    ("anglo", 44), ("hispanic", 15), ("chinese", 7), ("south_asian", 11), ("arab", 4), ("west_african", 4),
    ("east_african", 1), ("korean", 3), ("vietnamese", 3), ("filipino", 3), ("haitian", 1), ("iranian", 2),
    ("eastern_european", 2), ("greek_italian", 2),
)  # fmt: skip

REGIONS: dict[str, Region] = {
    "us_east": Region(
        30,
        (("America/New_York", 1.0),),
        ("Hudson Valley School of Medicine", "Atlantic State University College of Medicine"),
        (
            "Hudson Valley University Hospital",
            "Atlantic State Medical Center",
            "Harborview Children's Hospital",
            "Bayside Veterans Affairs Medical Center",
        ),
        _US_MIX,
    ),
    "us_central": Region(
        16,
        (("America/Chicago", 1.0),),
        ("Great Lakes University School of Medicine", "Prairie State College of Medicine"),
        ("Great Lakes University Hospital", "Lakeshore Medical Center", "Prairie Regional Hospital"),
        _US_MIX,
    ),
    "us_mountain": Region(
        5,
        (("America/Denver", 0.75), ("America/Phoenix", 0.25)),
        ("Front Range School of Medicine",),
        ("Front Range University Hospital", "Desert Valley Medical Center"),
        _US_MIX,
    ),
    "us_west": Region(
        14,
        (("America/Los_Angeles", 1.0),),
        ("Pacific Coast University School of Medicine", "Golden State College of Medicine"),
        ("Pacific Coast University Medical Center", "Golden State County Hospital", "Cascade Children's Hospital"),
        _US_MIX,
    ),
    "canada": Region(
        10,
        (("America/Toronto", 0.6), ("America/Vancouver", 0.3), ("America/Halifax", 0.1)),
        ("Lakehead Faculty of Medicine", "Pacific Northwest Faculty of Medicine"),
        ("Lakehead General Hospital", "St. Lawrence University Health Centre", "Coastal Mountains Hospital"),
        (
            ("anglo", 40),
            ("french_canadian", 15),
            ("chinese", 12),
            ("south_asian", 15),
            ("filipino", 4),
            ("arab", 4),
            ("iranian", 4),
            ("korean", 2),
            ("west_african", 2),
            ("eastern_european", 2),
        ),
    ),
    "uk": Region(
        12,
        (("Europe/London", 1.0),),
        ("Thames Valley Medical School", "Northern Universities Medical School"),
        (
            "Thames Valley University Hospitals NHS Trust",
            "Northern General Teaching Hospital",
            "Midlands Children's Hospital",
        ),
        (
            ("anglo", 56),
            ("south_asian", 22),
            ("west_african", 6),
            ("east_african", 3),
            ("chinese", 4),
            ("arab", 3),
            ("eastern_european", 4),
            ("greek_italian", 2),
        ),
    ),
    "india": Region(
        13,
        (("Asia/Kolkata", 1.0),),
        ("Deccan Institute of Medical Sciences", "Ganges Valley Medical College"),
        ("Deccan Institute Hospital", "Ganges Valley Medical College Hospital", "Coromandel Heart Institute"),
        (("south_asian", 100),),
        speaks_english=0.95,
    ),
}

# (top-level specialty, weight, chance the person is in the general specialty rather than a sub-specialty)
SPECIALTY_FAMILIES: tuple[tuple[str, float, float], ...] = (
    ("Internal Medicine", 30, 0.35), ("General Surgery", 8, 0.6), ("Pediatrics", 9, 0.5),
    ("Emergency Medicine", 7, 0.85), ("Psychiatry", 7, 0.6), ("Family Medicine", 7, 0.8),
    ("Obstetrics and Gynecology", 5, 0.6), ("Anesthesiology", 5, 0.6), ("Neurology", 4, 0.5),
    ("Radiology", 3, 0.5), ("Orthopaedic Surgery", 3, 0.5), ("Dermatology", 2, 0.7), ("Pathology", 2, 0.5),
    ("Neurological Surgery", 1, 1), ("Ophthalmology", 1, 0.8), ("Otolaryngology – Head and Neck Surgery", 1, 0.7),
    ("Urology", 1, 0.8), ("Physical Medicine and Rehabilitation", 1, 0.7), ("Radiation Oncology", 1, 1),
    ("Plastic Surgery", 0.7, 1), ("Vascular Surgery", 0.5, 1), ("Thoracic Surgery", 0.5, 1),
    ("Preventive Medicine", 0.4, 1), ("Allergy and Immunology", 0.5, 1), ("Interventional Radiology", 0.5, 1),
    ("Medical Genetics and Genomics", 0.3, 1), ("Colon and Rectal Surgery", 0.3, 1), ("Nuclear Medicine", 0.2, 1),
)  # fmt: skip

MENTOR_STAGES: tuple[tuple[int, float], ...] = (
    (CareerStage.RESIDENT, 8), (CareerStage.CHIEF_RESIDENT, 5), (CareerStage.FELLOW, 10),
    (CareerStage.EARLY_CAREER, 25), (CareerStage.MID_CAREER, 30), (CareerStage.SENIOR, 22),
)  # fmt: skip
TRAINEE_STAGES: tuple[tuple[int, float], ...] = (
    (CareerStage.PRECLINICAL_STUDENT, 18), (CareerStage.CLINICAL_STUDENT, 32), (CareerStage.INTERN, 10),
    (CareerStage.RESIDENT, 25), (CareerStage.CHIEF_RESIDENT, 5), (CareerStage.FELLOW, 10),
)  # fmt: skip
STUDENT_STAGES = {CareerStage.PRECLINICAL_STUDENT, CareerStage.CLINICAL_STUDENT}
RESIDENT_STAGES = {CareerStage.RESIDENT, CareerStage.CHIEF_RESIDENT, CareerStage.FELLOW}

# Focus areas by position (profiles.taxonomy.FOCUS_AREAS order), weighted by what each group asks for most.
FOCUS_WEIGHTS_STUDENT = (10, 7, 6, 6, 2, 5, 2, 1, 2, 3, 4, 4)
FOCUS_WEIGHTS_RESIDENT = (4, 7, 4, 8, 4, 7, 3, 4, 5, 2, 6, 3)
FOCUS_WEIGHTS_MENTOR = (8, 7, 6, 7, 5, 6, 4, 5, 5, 2, 5, 3)

CAPACITY_WEIGHTS = ((1, 15), (2, 35), (3, 28), (4, 12), (5, 10))

GOALS_BY_FOCUS: dict[int, tuple[str, ...]] = {
    0: ("Shadow three specialties before choosing electives", "Talk to two residents in each specialty I consider"),
    1: ("Draft my personal statement", "Ask for three letters of recommendation", "Finish my rank list"),
    2: ("Present a patient clearly in under three minutes", "Get ten ultrasound-guided IVs signed off"),
    3: ("Submit an abstract to a national meeting", "Write up a case report", "Finish my IRB application"),
    4: ("Join a hospital committee", "Lead a quality-improvement project on my ward"),
    5: ("Keep one protected evening a week", "Set up regular check-ins with a peer group"),
    6: ("Reflect on a hard conversation with my mentor", "Complete the ethics consult elective"),
    7: ("Give a noon conference talk", "Run a procedures workshop for students"),
    8: ("Plan how to raise concerns with my program director", "Learn how my department makes decisions"),
    9: ("Apply for a global health elective", "Learn about careers in global surgery"),
    10: ("Meet two people in my target field at the spring meeting", "Update my CV and online profile"),
    11: ("Join the URiM mentoring circle", "Find a sponsor for a leadership program"),
}
GOAL_STATUSES: tuple[tuple[str, float], ...] = (
    (Goal.Status.NOT_STARTED, 30), (Goal.Status.IN_PROGRESS, 50), (Goal.Status.ACHIEVED, 15),
    (Goal.Status.DROPPED, 5),
)  # fmt: skip

MENTOR_BIO_OPENINGS = (
    "I trained in {specialty} and now work at {institution}.",
    "{specialty} physician at {institution}.",
    "I practise {specialty} at {institution} and teach on the wards.",
)
MENTOR_BIO_OFFERS = (
    "I enjoy helping students work out which specialty fits them.",
    "Happy to read personal statements and run mock interviews.",
    "I run a small research group and take on student projects most years.",
    "I care about wellbeing and sustainable careers in medicine.",
    "First in my family to go to college; glad to talk about that path.",
    "I came to medicine later in life and like mentoring career changers.",
)
TRAINEE_STATEMENTS = (
    "I am deciding between {specialty} and a few other fields and would like an honest view of the day-to-day.",
    "I want help planning research that will make my application to {specialty} stronger.",
    "I would like a mentor who can help me balance training with family life.",
    "I am applying in {specialty} next cycle and want feedback on my application.",
    "I would like to learn how to lead projects and find opportunities in {specialty}.",
)
