"""The words of the sample site, all written for marketspeak.

FILLER holds neutral sentences that contain no lexicon term (a test checks this). PLANTS
gives, for each lexicon term, surface forms that the pipeline must count as that term, and
FRAMES the sentences a planted form is set into (`{x}` mid-sentence, `{X}` at the start).
ROLE names the planted terms of category role (the words naming the people served, which
the naming index counts).

TRAPS are sentences whose lexicon words the pipeline must keep but not count, each with the
hits it holds and the rule that sets each aside (the `excluded_by` of hit_status): words
inside a proper name or title (`name`, corpus/names.py), and formulas and other senses (a
term's `exclude` rules in the lexicon files). A trap with no hits holds words that must not
match at all ("may well be" is no wellbeing). NOTICE is a standard notice a publisher puts
on many of its pages: its hits are set aside as `boilerplate` (corpus/boilerplate.py).
"""

from __future__ import annotations

from dataclasses import dataclass

FILLER = [
    "The committee reviewed the annual report on road maintenance.",
    "Work on the new cycle lanes is expected to finish before the autumn.",
    "The library will open for longer hours on Saturdays from next month.",
    "Officers presented three options for the future of the leisure centre.",
    "Anyone can comment on the draft plan until the end of the consultation period.",
    "The budget for parks and open spaces was agreed without amendment.",
    "A new timetable for waste collection begins in the spring.",
    "The scrutiny panel asked for further detail on the capital programme.",
    "Planning permission was granted for the extension to the primary school.",
    "The cabinet noted the findings of the internal audit.",
    "Street lighting on the ring road will be replaced with low-energy lamps.",
    "The council tax base for the coming year was confirmed at the meeting.",
    "Minutes of the previous meeting were approved as a correct record.",
    "A review of parking charges will report back in six months.",
    "The inspection looked at records, policies and staffing levels.",
    "Inspectors visited the home on two days and spoke with staff.",
    "The provider has made improvements since the last inspection.",
    "Medicines were stored safely and records were kept up to date.",
    "The report sets out the actions required before the next visit.",
    "Staff training records showed that refresher courses were overdue.",
    "The board will publish its findings in the summer.",
    "Flood defences along the river were inspected after the winter storms.",
    "The youth centre will host a programme of activities during the holidays.",
    "Funding for the bus route was extended for a further year.",
    "The chair thanked officers for the clear and thorough presentation.",
    "Questions from the public were answered at the start of the meeting.",
    "The museum received a grant to restore its historic clock tower.",
    "Road resurfacing will take place overnight to reduce disruption.",
    "The housing strategy sets targets for new homes over ten years.",
    "Energy use in public buildings fell by a fifth over the period.",
    "The depot on the industrial estate will close for refurbishment.",
    "Recommendations were agreed and will be monitored quarterly.",
]

# term -> surface forms that lemmatise to it. Sentence-start use is made by FRAMES.
PLANTS: dict[str, dict[str, list[str]]] = {
    "market": {
        "customer": ["customer", "customers"],
        "consumer": ["consumer", "consumers"],
        "client": ["client", "clients"],
        "taxpayer": ["taxpayer", "taxpayers", "tax payers"],
        "ratepayer": ["ratepayer", "ratepayers"],
        "retailer": ["retailer", "retailers"],
        "wholesaler": ["wholesalers"],
        "shop": ["shop", "shops"],
        "high street": ["high street", "high streets"],
        "marketplace": ["marketplace", "market place"],
        "product": ["product", "products"],
        "purchase": ["purchase", "purchasing"],
        "sell": ["selling", "sold"],
        "unit cost": ["unit cost", "unit costs"],
        "economy of scale": ["economies of scale"],
        "value for money": ["value for money"],
        "income generation": ["income generation"],
        "competition": ["competition"],
        "customer journey": ["customer journey", "customer journeys"],
        "customer service": ["customer service", "customer services"],
        "customer experience": ["customer experience"],
        "customer satisfaction": ["customer satisfaction"],
        "customer focus": ["customer focus"],
        "marketing": ["marketing"],
        "business": ["business", "businesses"],
    },
    "relational": {
        "citizen": ["citizen", "citizens"],
        "person": ["person", "persons"],
        "people": ["people"],
        "resident": ["resident", "residents"],
        "patient": ["patient", "patients"],
        "service user": ["service user", "service users"],
        "people who use services": [
            "people who use services",
            "people who use our services",
            "people using services",
        ],
        "member of the public": ["member of the public", "members of the public"],
        "carer": ["carer", "carers"],
        "expert by experience": ["experts by experience", "expert by experience"],
        "partner": ["partner", "partners"],
        "partnership": ["partnership", "partnerships"],
        "colleague": ["colleague", "colleagues"],
        "relationship": ["relationship", "relationships"],
        "community": ["community", "communities"],
        "neighbour": ["neighbour", "neighbours"],
        "family": ["family", "families"],
        "friend": ["friend", "friends"],
        "trust": ["trust"],
        "co-production": ["co-production", "coproduction", "co production"],
        "co-design": ["co-design"],
        "collaboration": ["collaboration"],
        "good life": ["good life", "good lives"],
        "wellbeing": ["wellbeing", "well-being"],
    },
}

FRAMES = [
    "Members returned to {x} several times during the debate.",
    "The paper asks how {x} should shape next year's priorities.",
    "{X} came up again when the panel took evidence.",
    "Officers were asked to say more about {x} in the next update.",
    "The section on {x} was agreed without a vote.",
    "{X} is mentioned in the summary as well.",
]

# The planted terms of category role in each lexicon (the lexicon files say which terms are
# role words; a test checks that these agree with them).
ROLE: dict[str, frozenset[str]] = {
    "market": frozenset({"customer", "consumer", "client", "taxpayer", "ratepayer"}),
    "relational": frozenset(
        {
            "citizen",
            "person",
            "people",
            "resident",
            "patient",
            "carer",
            "family",
            "service user",
            "people who use services",
            "member of the public",
            "expert by experience",
        }
    ),
}


@dataclass(frozen=True)
class Trap:
    """A sentence whose lexicon hits are all set aside: (lexicon, term, excluded_by) each."""

    name: str
    sentence: str
    hits: tuple[tuple[str, str, str], ...]


NAME = "name"
TRAPS = [
    # Names and titles: the lexicon word names an office, a body or a scheme.
    Trap(
        "director-of-customer-services",
        "The reply was signed by the Director of Customer Services.",
        (("market", "customer service", NAME),),
    ),
    Trap(
        "friends-of-the-park",
        "Volunteers from the Friends of Riverside Park planted bulbs along the path.",
        (("relational", "friend", NAME),),
    ),
    Trap(
        "community-safety-partnership",
        "Officers from the Community Safety Partnership attended the meeting.",
        (("relational", "community", NAME), ("relational", "partnership", NAME)),
    ),
    Trap(
        "patient-advice-service",
        "Advice is available from the Patient Advice and Liaison Service.",
        (("relational", "patient", NAME),),
    ),
    Trap(
        "taxpayers-alliance",
        "The Taxpayers' Alliance wrote to the council about the budget.",
        (("market", "taxpayer", NAME),),
    ),
    Trap(
        "family-court",
        "The Family Court will sit in the town hall while its own building is repaired.",
        (("relational", "family", NAME),),
    ),
    # Formulas and other senses: a term's exclude rule in its lexicon.
    Trap(
        "no-person-shall",
        "No person shall park on the verge outside the depot.",
        (("relational", "person", "formula:no-person-shall"),),
    ),
    Trap(
        "consumer-price-index",
        "Fees rise each April in line with the consumer price index.",
        (("market", "consumer", "sense:consumer-price-index"),),
    ),
    Trap(
        "i-trust-that",
        "I trust that members will find the summary useful.",
        (("relational", "trust", "sense:trust-hope"),),
    ),
    Trap(
        "single-family-dwelling",
        "The plan allows one single-family dwelling on the site.",
        (("relational", "family", "sense:family-dwelling"),),
    ),
    Trap(
        "ordinarily-resident",
        "Applicants must be ordinarily resident in the county.",
        (("relational", "resident", "formula:ordinarily-resident"),),
    ),
    Trap(
        "patient-adjective",
        "Staff were patient with every question from the floor.",
        (("relational", "patient", "sense:patient-adjective"),),
    ),
    # No hit at all: wellbeing is matched on its words as written, not on lemmas.
    Trap("may-well-be", "The final cost may well be lower than the forecast.", ()),
]

# A standard notice, set as a paragraph of its own at the end of a publisher's pages.
NOTICE = (
    "This page is available in large print, in Braille and in other languages: residents, "
    "carers and families can ask for a copy at any library or by calling 01632 960000."
)
NOTICE_HITS = (
    ("relational", "resident"),
    ("relational", "carer"),
    ("relational", "family"),
)
