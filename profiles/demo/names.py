"""Name pools for demo people, by background, with the languages such a person often also speaks.

Deliberately diverse and deliberately fictional: any resemblance to a real physician is chance.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Background:
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    # (language code, probability) beyond English, tried in order until the person has three languages.
    languages: tuple[tuple[str, float], ...]


# fmt: off
BACKGROUNDS: dict[str, Background] = {
    "anglo": Background(
        ("Emily", "James", "Sarah", "Michael", "Hannah", "David", "Laura", "Thomas", "Rachel", "Andrew", "Claire",
         "Benjamin", "Megan", "Daniel", "Katherine", "Owen", "Abigail", "Nathan", "Grace", "Patrick", "Lucy", "Ethan"),
        ("Miller", "Thompson", "Walker", "Harris", "Clarke", "Bennett", "Foster", "Hughes", "Sullivan", "Reed",
         "Campbell", "Murphy", "Brooks", "Palmer", "Fletcher", "Hayes", "Morgan", "Sinclair", "Doyle", "Whitaker"),
        (("es", 0.12), ("fr", 0.06), ("de", 0.03), ("ase", 0.02)),
    ),
    "hispanic": Background(
        ("Alejandro", "Camila", "Diego", "Valentina", "Javier", "Lucía", "Mateo", "Isabel", "Carlos", "Gabriela",
         "Andrés", "María", "Luis", "Daniela", "Sofía", "Rafael", "Ana", "Fernando", "Paola", "Ricardo"),
        ("García", "Rodríguez", "Martínez", "Hernández", "López", "González", "Pérez", "Sánchez", "Ramírez",
         "Torres", "Flores", "Rivera", "Gómez", "Díaz", "Morales", "Ortiz", "Castillo", "Vargas", "Mendoza"),
        (("es", 0.85), ("pt", 0.05)),
    ),
    "chinese": Background(
        ("Wei", "Mei", "Jian", "Xin", "Li", "Yan", "Hao", "Jing", "Lei", "Ying", "Kevin", "Grace", "Jason", "Amy"),
        ("Chen", "Wang", "Li", "Zhang", "Liu", "Huang", "Zhou", "Wu", "Lin", "Xu", "Ho", "Leung", "Tan"),
        (("zh", 0.7), ("yue", 0.2)),
    ),
    "south_asian": Background(
        ("Priya", "Arjun", "Ananya", "Rohan", "Kavya", "Vikram", "Neha", "Aditya", "Divya", "Rahul", "Sneha",
         "Karthik", "Meera", "Sanjay", "Pooja", "Imran", "Ayesha", "Farhan", "Nisha", "Amit"),
        ("Patel", "Sharma", "Reddy", "Iyer", "Gupta", "Nair", "Singh", "Rao", "Mehta", "Desai", "Kapoor",
         "Krishnan", "Chaudhry", "Khan", "Bose", "Menon", "Joshi", "Pillai"),
        (("hi", 0.55), ("gu", 0.1), ("pa", 0.1), ("ta", 0.1), ("ur", 0.08), ("bn", 0.08)),
    ),
    "arab": Background(
        ("Omar", "Layla", "Yusuf", "Noor", "Karim", "Rania", "Tariq", "Huda", "Samir", "Lina", "Hassan", "Dina"),
        ("Haddad", "Nasser", "Khalil", "Mansour", "Saleh", "Aziz", "Farah", "Hamdan", "Qureshi", "Rahman"),
        (("ar", 0.85), ("fr", 0.15)),
    ),
    "west_african": Background(
        ("Chinedu", "Adaeze", "Oluwaseun", "Folake", "Kwame", "Ama", "Tunde", "Ngozi", "Kofi", "Yetunde"),
        ("Okafor", "Adeyemi", "Mensah", "Okonkwo", "Boateng", "Eze", "Adebayo", "Owusu", "Nwosu"),
        (("yo", 0.35), ("fr", 0.15)),
    ),
    "east_african": Background(
        ("Selam", "Dawit", "Hiwot", "Abebe", "Amani", "Baraka", "Zawadi", "Tesfaye"),
        ("Tesfaye", "Bekele", "Haile", "Mwangi", "Otieno", "Kamau", "Gebre"),
        (("am", 0.6), ("sw", 0.4)),
    ),
    "korean": Background(
        ("Ji-woo", "Min-jun", "Seo-yeon", "Daniel", "Hyun", "Eun-ji", "Joon", "Soo-ah"),
        ("Kim", "Park", "Lee", "Choi", "Jung", "Kang", "Yoon"),
        (("ko", 0.7),),
    ),
    "vietnamese": Background(
        ("Linh", "Minh", "Thao", "Duc", "Anh", "Quang", "Lan", "Khoa"),
        ("Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu", "Dang"),
        (("vi", 0.7),),
    ),
    "filipino": Background(
        ("Maria", "Jose", "Kristine", "Mark", "Angelica", "Paolo", "Joy", "Rafael"),
        ("Santos", "Reyes", "Cruz", "Bautista", "Villanueva", "Aquino", "Mendoza", "Dela Cruz"),
        (("tl", 0.6),),
    ),
    "haitian": Background(
        ("Jean", "Marie", "Pierre", "Nadège", "Ricardo", "Fabiola", "Jacques", "Guerline"),
        ("Joseph", "Pierre", "Jean-Baptiste", "Louis", "Charles", "Desir", "Etienne"),
        (("ht", 0.75), ("fr", 0.5)),
    ),
    "french_canadian": Background(
        ("Étienne", "Geneviève", "Mathieu", "Isabelle", "Olivier", "Chloé", "Simon", "Émilie"),
        ("Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Lavoie", "Pelletier"),
        (("fr", 0.95),),
    ),
    "eastern_european": Background(
        ("Anna", "Dmitri", "Katarzyna", "Pavel", "Olga", "Tomasz", "Natalia", "Andrei"),
        ("Ivanova", "Kowalski", "Petrov", "Nowak", "Smirnov", "Wiśniewski", "Volkov"),
        (("ru", 0.5), ("pl", 0.35)),
    ),
    "iranian": Background(
        ("Sara", "Reza", "Leila", "Ali", "Shirin", "Dariush", "Nazanin", "Kian"),
        ("Hosseini", "Ahmadi", "Karimi", "Rostami", "Moradi", "Tehrani"),
        (("fa", 0.8),),
    ),
    "greek_italian": Background(
        ("Elena", "Marco", "Sofia", "Nikos", "Giulia", "Stavros", "Francesca", "Luca"),
        ("Papadopoulos", "Rossi", "Ferrari", "Georgiou", "Romano", "Costa", "Ricci"),
        (("it", 0.45), ("el", 0.4)),
    ),
}
# fmt: on
