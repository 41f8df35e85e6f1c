"""Demo content for `manage.py seed_demo`: a week in Portmere, a fictional river city.

Every word here was written for this project. Story templates take a district name, so the
same kind of story can happen in two parts of town without repeating a headline.
"""

SECTIONS = [
    ("City", "city", "Portmere's streets, councils and neighbourhoods."),
    ("Politics", "politics", "Votes, budgets and the people who make the decisions."),
    ("Business", "business", "Work, money and the firms that employ the city."),
    ("Environment", "environment", "The river, the weather and what we do to both."),
    ("Culture", "culture", "Stages, screens, galleries and bookshops."),
    ("Sport", "sport", "Results and stories from the terraces to the towpath."),
]

DISTRICTS = [
    "Quayside",
    "Elm Hill",
    "Northgate",
    "St Bride's",
    "Lower Marsh",
    "Fennick Park",
    "Saltings",
    "Copper Row",
]

AUTHORS = [
    (
        "Maya Okafor",
        "City hall reporter who has covered Portmere's council for six years.",
        "Local government, Housing",
    ),
    (
        "Tomás Reyes",
        "Business editor; before journalism he spent a decade in the port's shipping offices.",
        "Business, Transport",
    ),
    (
        "Ingrid Halvorsen",
        "Environment correspondent with a soft spot for tidal rivers and rain gauges.",
        "Environment, Science",
    ),
    (
        "Daniel Achterberg",
        "Political editor. Reads budget documents so that readers do not have to.",
        "Politics, Public finance",
    ),
    (
        "Priya Raman",
        "Arts writer, reviewer and occasional judge at the city's poetry slam.",
        "Theatre, Books, Film",
    ),
    (
        "Sean Whitlock",
        "Sports reporter who has not missed a home match at the Ropewalk ground since 2012.",
        "Football, Rowing, Athletics",
    ),
]

TAGS = [
    "Housing",
    "Transport",
    "Budget",
    "Schools",
    "River Amber",
    "Flooding",
    "Jobs",
    "Port",
    "Theatre",
    "Books",
    "Football",
    "Rowing",
    "Health",
    "Elections",
    "Parks",
]

# section slug -> list of (headline, standfirst, body paragraphs, tags, story type)
STORIES = {
    "city": [
        (
            "Council backs {n} new homes on the old tram depot at {place}",
            "Planners approved the scheme after a four-hour meeting, with a third of the homes "
            "set aside for social rent.",
            [
                "Portmere's planning committee voted seven to two on Tuesday night to let "
                "building start on the derelict tram depot at {place}, ending a dispute that "
                "has run since the last tram left the shed in 1998.",
                "## What was agreed",
                "The developer must keep the depot's brick facade, plant a row of plane trees "
                "along the main road and open a through-route for bicycles before the first "
                "residents move in.",
                "> We have waited long enough for something to happen on that site. This is "
                "not perfect, but it is homes. — a resident who spoke at the meeting",
                "Work is expected to begin in the spring and take about three years.",
            ],
            ["Housing"],
            "news",
        ),
        (
            "{place} library to open on Sundays from next month",
            "Volunteers and a small grant from the ward budget will keep the doors open for "
            "six extra hours a week.",
            [
                "The branch library in {place} will open from 11am to 5pm on Sundays, the "
                "council said, after a petition gathered more than {n} signatures.",
                "Staff will run a homework club in the afternoon and the reading room will "
                "stay open for anyone who needs somewhere warm and quiet.",
                "Librarians said the trial would be reviewed after six months, and that visitor "
                "numbers would decide whether it continues.",
            ],
            ["Schools"],
            "news",
        ),
        (
            "Bus route 14 to be rerouted through {place} during bridge repairs",
            "The Amber Street bridge closes to traffic for nine weeks while engineers replace "
            "its bearings.",
            [
                "Passengers on route 14 should allow an extra ten minutes from Monday, the "
                "transport authority said, as buses are diverted through {place}.",
                "Temporary stops will be marked with yellow flags. The footpath over the "
                "bridge stays open throughout the works.",
                "Engineers found the bearings worn during an inspection last winter; the "
                "bridge is safe, they said, but would not stay so without repair.",
            ],
            ["Transport"],
            "news",
        ),
        (
            "Why {place} keeps losing its corner shops",
            "Rents, parking and online deliveries all play a part. So does something harder "
            "to measure.",
            [
                "In the last five years, {n} small shops have closed on the high street in "
                "{place}. Each closure had its own reasons, but the owners we spoke to kept "
                "returning to the same three.",
                "## Rent reviews",
                "Most leases on the street are reviewed every five years, and the last round "
                "came just as takings fell.",
                "## Footfall",
                "Fewer people pass the shops on foot since the post office moved, and a "
                "delivery van cannot replace a neighbour who drops in for milk and stays to "
                "talk.",
                "What would help, owners say, is not a grant but a reason to walk down the "
                "street again.",
            ],
            ["Housing", "Jobs"],
            "analysis",
        ),
        (
            "Playground at {place} reopens after safety rebuild",
            "New equipment, softer surfacing and a ramp so that every child can reach the "
            "climbing frame.",
            [
                "Children were back on the swings in {place} on Saturday after a rebuild that "
                "took most of the summer.",
                "The old frame was removed after an inspection found rot in two of its posts. "
                "Its replacement was chosen by pupils from the two nearest primary schools.",
                "Parents said the new ramp meant their children who use wheelchairs could "
                "play alongside their friends for the first time.",
            ],
            ["Parks"],
            "news",
        ),
    ],
    "politics": [
        (
            "Budget vote: council agrees {m} million for road repairs",
            "The opposition called the plan a sticking plaster; the leader called it the "
            "biggest repair programme in a decade.",
            [
                "Councillors approved the city's budget by a narrow margin on Wednesday, "
                "including a ring-fenced fund for potholes and pavements in wards such as "
                "{place}.",
                "The money comes partly from reserves, which finance officers warned could "
                "not be drawn on again next year.",
                "A proposal to raise parking charges in the centre was dropped after traders "
                "objected.",
            ],
            ["Budget", "Transport"],
            "news",
        ),
        (
            "By-election called in {place} after councillor steps down",
            "Voters will choose a new representative on the first Thursday of next month.",
            [
                "The seat in {place} fell vacant when its councillor resigned for family "
                "reasons after eleven years in office.",
                "Nominations close in ten days. Polling stations will be the same as at the "
                "last local election.",
                "Turnout at the ward's last by-election was {p} per cent.",
            ],
            ["Elections"],
            "news",
        ),
        (
            "The council's reserves are running low. What happens next?",
            "A year of one-off fixes has bought time, not a solution.",
            [
                "For three years running, Portmere has balanced its books by drawing on "
                "money set aside for emergencies. This year it took {m} million.",
                "There are only a few ways out: raise more, spend less, or persuade "
                "government to send more. Each has costs, and each has been tried before.",
                "What is different now is how little cushion is left if something goes wrong.",
            ],
            ["Budget"],
            "analysis",
        ),
        (
            "Opinion: {place} deserves a say in its own regeneration",
            "Consultation is not the same as listening. The next plan should start with the "
            "people who live there.",
            [
                "Every few years a new plan for {place} arrives with glossy drawings and a "
                "week of drop-in sessions. Then the drawings change and nobody is asked again.",
                "A standing residents' panel, with real access to the figures, would cost "
                "little and build the trust that the last three schemes squandered.",
                "Regeneration done to a neighbourhood rarely lasts. Done with it, it might.",
            ],
            ["Housing"],
            "opinion",
        ),
        (
            "Mayor promises free school breakfasts in {place} and two other wards",
            "The pilot starts after the half-term holiday and will be paid for from the "
            "public health budget.",
            [
                "Every primary school pupil in {place} will be offered a free breakfast from "
                "next term, the mayor announced at a school in the ward on Friday.",
                "Head teachers welcomed the plan but asked for money for staff to run the "
                "clubs, not just for food.",
                "The council expects about {n} children a day to take part.",
            ],
            ["Schools", "Health"],
            "news",
        ),
    ],
    "business": [
        (
            "Port handles record tonnage as new crane comes into service",
            "Container traffic rose by {m} per cent on the year, the harbour board said.",
            [
                "The port's newest crane, delivered by sea in the spring, lifted its first "
                "containers in earnest last month and helped set a monthly record.",
                "The harbour board said the extra capacity would allow larger ships to call "
                "at Portmere instead of unloading elsewhere and trucking goods in.",
                "Unions said they would seek a share of the gains in the next pay round.",
            ],
            ["Port", "Jobs"],
            "news",
        ),
        (
            "Bakery chain to open a production kitchen in {place}, creating {n} jobs",
            "The firm chose the site for its rail links and a long lease on an empty warehouse.",
            [
                "Harbour Loaf, which runs eleven cafes in the region, will bake for all of "
                "them from a new kitchen in {place} from next year.",
                "Recruitment starts in the autumn, with training for people who have never "
                "worked in a bakery.",
                "The warehouse has been empty since a furniture maker left in 2019.",
            ],
            ["Jobs"],
            "news",
        ),
        (
            "Review: the new food hall at {place} market",
            "Twelve counters, one long table and a very good dumpling stall.",
            [
                "The converted fish market in {place} now holds twelve kitchens under one "
                "glass roof. On a weekday lunchtime it was full by half past twelve.",
                "Best in show were the pork dumplings from the stall by the north door, "
                "and a lemon tart worth crossing town for.",
                "Seating is tight and the noise can be fierce, but prices are fair and the "
                "queues move.",
            ],
            ["Jobs"],
            "review",
        ),
        (
            "Small firms in {place} say late payments are their biggest worry",
            "A survey by the chamber of commerce found that one in four waits more than two "
            "months to be paid.",
            [
                "Of {n} businesses that answered the chamber's survey, most named late "
                "payment by larger customers as the thing that kept them awake at night.",
                "Several said they had turned down work from big clients because they could "
                "not afford to wait for the money.",
                "The chamber wants the council to pay its own suppliers within 14 days.",
            ],
            ["Jobs"],
            "news",
        ),
        (
            "Sponsored: how the Portmere credit union helps first-time savers",
            "Sponsored content from the Portmere Community Credit Union.",
            [
                "Saving a little each week is easier when it comes straight out of your pay "
                "before you see it. The credit union's payroll scheme now runs with {n} "
                "local employers.",
                "Members in {place} can open an account at the library on Tuesday mornings.",
                "This article was paid for by the credit union; the newsroom did not write it.",
            ],
            ["Jobs"],
            "sponsored",
        ),
    ],
    "environment": [
        (
            "Amber river levels rise after three days of rain",
            "Flood wardens are checking the barriers at {place}; no homes are at risk yet.",
            [
                "The river gauge at Ferry Steps read {p} centimetres above normal on Sunday "
                "morning, the highest this year.",
                "Wardens closed the riverside path at {place} as a precaution and asked "
                "people to keep dogs on leads near the water.",
                "Forecasters expect drier weather from midweek.",
            ],
            ["River Amber", "Flooding"],
            "news",
        ),
        (
            "Volunteers plant {n} trees along the Amber at {place}",
            "Willow and alder should steady the bank and shade the water for fish.",
            [
                "More than a hundred volunteers spent Saturday planting saplings along a "
                "stretch of riverbank at {place} that was stripped by floods two winters ago.",
                "The river trust chose native species that tolerate wet feet and grow fast.",
                "Each tree has a guard against rabbits and a label with the name of the "
                "person who planted it.",
            ],
            ["River Amber", "Parks"],
            "news",
        ),
        (
            "What the new flood map means for {place}",
            "More streets fall inside the risk zone. That changes insurance, planning and "
            "the way the city builds.",
            [
                "The updated flood map puts about {n} more homes in {place} at medium risk. "
                "The river has not changed; the rainfall records have.",
                "For homeowners, the first effect is likely to be on insurance renewals. For "
                "the council, it means new rules for building on low ground.",
                "Engineers say the best defences are often upstream: wetlands that hold water "
                "back rather than walls that push it elsewhere.",
            ],
            ["Flooding", "River Amber"],
            "analysis",
        ),
        (
            "Air quality improves on Copper Row after lorry ban",
            "Nitrogen dioxide readings fell by a fifth in the first six months.",
            [
                "Sensors on Copper Row and in {place} recorded cleaner air after heavy "
                "goods vehicles were banned from the street during daytime.",
                "Residents said the street was quieter as well as cleaner. Some traders said "
                "deliveries had become harder to arrange.",
                "The council will decide in the new year whether to make the ban permanent.",
            ],
            ["Health", "Transport"],
            "news",
        ),
        (
            "Otters spotted in the Amber for the first time in {p} years",
            "A night camera at {place} caught a pair fishing below the weir.",
            [
                "Wildlife volunteers checking a trail camera at {place} found footage of two "
                "otters feeding in the shallows just after midnight.",
                "Otters left the river when it was at its dirtiest. Their return is the best "
                "evidence yet that decades of clean-up are working.",
                "The trust asks people not to look for the den: otters disturbed while "
                "breeding may move on.",
            ],
            ["River Amber"],
            "news",
        ),
    ],
    "culture": [
        (
            "Review: a storm-tossed Tempest at the Lantern Theatre",
            "A small cast, a big sea and a Prospero who is easy to pity and hard to like.",
            [
                "The Lantern's new Tempest opens on a bare stage flooded with blue light, and "
                "for two hours the sea never quite goes away.",
                "The company of seven double and treble roles with wit; the clowns, played "
                "by two actors from {place}, stole the second half.",
                "Runs until the end of the month. Tickets from {m} pounds.",
            ],
            ["Theatre"],
            "review",
        ),
        (
            "Book festival returns to {place} with {p} events",
            "Novelists, poets and a night of stories told on the ferry.",
            [
                "The Portmere book festival will fill halls, cafes and one river ferry in "
                "{place} over the last weekend of the month.",
                "Most events are free for under-18s. Organisers have added signed-language "
                "interpretation to every main-stage talk.",
                "The full programme is at the central library and online.",
            ],
            ["Books"],
            "news",
        ),
        (
            "The mural at {place} is fading. Should it be restored?",
            "Painted by schoolchildren in 1987, it divides opinion among the people who walk "
            "past it every day.",
            [
                "The mural on the end wall of the old baths in {place} shows the river as a "
                "blue dragon. Thirty-odd years of weather have turned it grey.",
                "Some residents want it repainted exactly as it was. Others think a new "
                "generation of pupils should paint something of their own.",
                "The building's owners say they will follow whatever the neighbourhood "
                "decides, and have offered to pay for the scaffold.",
            ],
            ["Parks"],
            "analysis",
        ),
        (
            "Cinema club in {place} celebrates its 50th season",
            "It started with a borrowed projector in a church hall. It still shows films on "
            "Thursdays.",
            [
                "The {place} film society showed its first film in 1975 to an audience of "
                "{p}. Last week, three hundred people came to its anniversary screening.",
                "Members choose the programme by vote, which explains the mix of silent "
                "comedies, recent documentaries and a great deal of Hitchcock.",
                "New members are welcome; the first film is free.",
            ],
            ["Books"],
            "news",
        ),
        (
            "Opinion: keep the music venues open late",
            "A city that sends everyone home at eleven should not be surprised when its young "
            "people leave.",
            [
                "Three small venues in {place} have had their licences cut back after "
                "complaints about noise. Each was there long before the flats next door.",
                "Better soundproofing, funded in part by developers, would protect both the "
                "neighbours and the city's night life.",
                "Music venues are where bands start. Close them, and the next ones start "
                "somewhere else.",
            ],
            ["Theatre"],
            "opinion",
        ),
    ],
    "sport": [
        (
            "Portmere Rovers come from behind to beat {rival} 3-2",
            "Two goals in the last ten minutes lifted the home crowd at the Ropewalk.",
            [
                "Rovers trailed for most of the afternoon before a header from a corner "
                "levelled the score and a low shot from the edge of the box won it.",
                "The manager praised the substitutes, both academy players who grew up "
                "in {place}.",
                "Rovers move up to fourth in the table.",
            ],
            ["Football"],
            "news",
        ),
        (
            "Rowing club at {place} wins at the regional head race",
            "The women's eight finished first in a field of {p} crews.",
            [
                "The {place} boat club's women's eight beat the favourites by four seconds "
                "over the five-kilometre course on the Amber.",
                "It was the club's first win at the event since it lost its boathouse to "
                "fire and spent two seasons training out of a borrowed shed.",
                "The crew will race at the national championships in the spring.",
            ],
            ["Rowing", "River Amber"],
            "news",
        ),
        (
            "Parkrun at {place} celebrates {n} weeks of Saturday runs",
            "Walkers, runners and a very fast dog made it the busiest run yet.",
            [
                "Five hundred people ran, jogged or walked the loop around the lake in "
                "{place} on Saturday morning.",
                "Volunteers, who marshal the course and scan the tokens, were thanked with "
                "cake afterwards.",
                "The run starts at 9am every Saturday and is free.",
            ],
            ["Parks", "Health"],
            "news",
        ),
        (
            "Analysis: why Rovers concede so many late goals",
            "The numbers point to fitness, substitutions and a habit of defending too deep.",
            [
                "Of the goals Rovers have conceded this season, {m} came in the final fifteen "
                "minutes. That is the worst record in the division.",
                "The pattern is the same: the back line drops, the midfield tires, and the "
                "space in front of the defence grows.",
                "The fix may be as simple as making changes earlier.",
            ],
            ["Football"],
            "analysis",
        ),
        (
            "Schools athletics day returns to the {place} track",
            "More than {n} pupils from across the city took part.",
            [
                "The city schools athletics day was back at the refurbished track in "
                "{place} after two years away.",
                "Records fell in the under-13 relay and the long jump.",
                "Organisers thanked the parents who timed, raked the sandpit and cheered.",
            ],
            ["Schools"],
            "news",
        ),
    ],
}

RIVALS = ["Ashford", "Kelsey Town", "Marlow Athletic", "Dunmore United"]

CORRECTIONS = [
    "An earlier version of this story gave the wrong day for the meeting. It was Tuesday.",
    "We misspelled the name of the river trust's chair in an earlier version of this story.",
]

# Colours for generated pictures: (background, accent)
PALETTE = [
    ((28, 61, 90), (242, 169, 59)),
    ((45, 106, 79), (216, 243, 220)),
    ((120, 40, 58), (250, 219, 216)),
    ((61, 52, 139), (255, 214, 112)),
    ((33, 33, 33), (0, 173, 181)),
    ((176, 91, 59), (255, 239, 213)),
]

# Readers' comments on the newest stories that are still open for comments. Each thread is a
# list of (name, email, comment, status, reply to: index of an earlier comment or None).
# Approved ones are on the page; pending ones wait in the moderators' queue.
COMMENT_THREADS = [
    [
        (
            "Ruth Calloway",
            "ruth.calloway@example.org",
            "Good to see this reported properly. The last time the council promised something "
            "similar it took three years and nobody followed it up.",
            "approved",
            None,
        ),
        (
            "Jonah Pike",
            "jonah.pike@example.org",
            "To be fair, that was a different administration and a different budget. I'd wait "
            "for the figures before calling it another broken promise.",
            "approved",
            0,
        ),
        (
            "Elif Demir",
            "elif.demir@example.org",
            "Does anyone know whether the public meeting next week will be streamed? Not all "
            "of us can get to the town hall on a weekday evening.",
            "pending",
            None,
        ),
    ],
    [
        (
            "Marcus Thorne",
            "marcus.thorne@example.org",
            "I walk past there every morning and this matches what I've seen. Thanks for "
            "talking to the people who actually live nearby.",
            "approved",
            None,
        ),
        (
            "Anika Brandt",
            "anika.brandt@example.org",
            "Small point from someone who was there: it was a good deal busier than the "
            "story suggests. Otherwise a clear piece.",
            "pending",
            None,
        ),
    ],
    [
        (
            "Colm Regan",
            "colm.regan@example.org",
            "Would be good to have a follow-up in a few months to see whether any of this "
            "made a difference.",
            "approved",
            None,
        ),
        (
            "Ruth Calloway",
            "ruth.calloway@example.org",
            "Agreed. A before-and-after with the same people would be worth reading.",
            "approved",
            0,
        ),
        (
            "Priti Sandhu",
            "priti.sandhu@example.org",
            "My daughter was there and came home talking about it all evening. More of this, "
            "please.",
            "pending",
            None,
        ),
    ],
]
