"""The words of the sample site, all written for marketspeak.

FILLER holds neutral sentences that contain no lexicon term (a test checks this). PLANTS
gives, for each lexicon term, surface forms that the pipeline must count as that term, and
FRAMES the sentences a planted form is set into (`{x}` mid-sentence, `{X}` at the start).
"""

from __future__ import annotations

FILLER = [
    "The committee reviewed the annual report on road maintenance.",
    "Work on the new cycle lanes is expected to finish before the autumn.",
    "The library will open for longer hours on Saturdays from next month.",
    "Officers presented three options for the future of the leisure centre.",
    "Residents can comment on the draft plan until the end of the consultation period.",
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
