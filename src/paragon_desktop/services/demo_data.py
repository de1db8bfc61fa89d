"""The demo exercise: a toxic release at a Seveso plant in the fictional province Scheldeland.

All names are invented; coordinates lie in the Waasland (Belgium). Times are Belgian local time
on the exercise day. Everything here is labelled as an exercise (oefening).
"""

from __future__ import annotations

DEMO_PASSWORD = "oefening2026"
EXERCISE_DAY = "2026-11-19"

# Municipalities on a 3 x 2 grid of cells: (name, column, row). Column borders in longitude,
# row borders in latitude; the builder bends the shared borders so they look drawn, not ruled.
MUNICIPALITY_COLUMNS = (4.150, 4.235, 4.320, 4.405)
MUNICIPALITY_ROWS = (51.130, 51.215, 51.300)
MUNICIPALITIES = (
    ("Gemeente Doelmeer", 0, 1),
    ("Gemeente Scheldemonde", 1, 1),
    ("Gemeente Kalloo", 2, 1),
    ("Gemeente Waasbroek", 0, 0),
    ("Gemeente Polderkerke", 1, 0),
    ("Gemeente Verrebeke", 2, 0),
)
PROVINCE = "Provincie Scheldeland"

# (name, kind, discipline, jurisdiction: "province" or None, own crisis roles)
ORGANISATIONS = (
    ("NC112 Scheldeland", "nc112", None, "province", ("Calltaker", "Dispatcher 112")),
    ("Brandweerzone Waasland", "discipline", "D1", "province",
     ("Dir-CP-Ops", "Dir-Brw", "Officier van dienst", "Meetploegleider")),
    ("Medische Hulpverlening Scheldeland", "discipline", "D2", "province",
     ("Dir-Med", "PSIF", "Ambulancier")),
    ("Politiezone Scheldemonde-Polderkerke", "discipline", "D3", "province",
     ("Dir-Pol", "Officier bestuurlijke politie")),
    ("Civiele Bescherming Scheldeland", "discipline", "D4", "province",
     ("Dir-Log", "Meetploegleider")),
    ("Communicatiecel Scheldeland", "discipline", "D5", "province", ("Dir-Info", "Woordvoerder")),
    ("Nationaal Crisiscentrum (NCCN)", "federal", None, None, ("Verbindingsofficier",)),
    ("Nordchem Scheldemonde NV", "company", None, None,
     ("Interne noodplanningscoördinator", "Veiligheidsadviseur")),
)
MUNICIPAL_ROLES = ("Burgemeester", "Noodplanningsambtenaar", "Secretaris CP-Ops")
PROVINCIAL_ROLES = ("Gouverneur", "Provinciaal noodplanningscoördinator")

# username, display name, organisation, access level, coordinator label, management roles
USERS = (
    ("an.peeters", "An Peeters", "Gemeente Scheldemonde", "coordinator",
     "Noodplanningscoördinator Scheldemonde", "org_admin plan_manager"),
    ("tom.declercq", "Tom De Clercq", "Brandweerzone Waasland", "coordinator",
     "Dir-CP-Ops", ""),
    ("sofie.janssens", "Sofie Janssens", "Gemeente Scheldemonde", "agent", None, ""),
    ("karim.elamrani", "Karim El Amrani", "Medische Hulpverlening Scheldeland", "agent", None, ""),
    ("lotte.maes", "Lotte Maes", "Politiezone Scheldemonde-Polderkerke", "agent", None, ""),
    ("jan.devos", "Jan De Vos", "Civiele Bescherming Scheldeland", "agent", None, ""),
    ("nina.desmet", "Nina De Smet", "Communicatiecel Scheldeland", "agent", None, ""),
    ("pieter.wouters", "Pieter Wouters", "NC112 Scheldeland", "agent", None, "contact_manager"),
    ("els.vandamme", "Els Van Damme", "Provincie Scheldeland", "coordinator",
     "Provinciaal noodplanningscoördinator", "contact_manager plan_manager org_admin"),
    ("wim.verhaegen", "Wim Verhaegen", "Gemeente Polderkerke", "read_only", None, ""),
    ("marc.nordchem", "Marc Claes", "Nordchem Scheldemonde NV", "agent", None, ""),
)

# Feeds of the Seveso case: (name, kind, discipline, crisis cell, roles that give membership).
# "Multi" is everyone's; the others follow the crisis role chosen on opening the case.
FEEDS = (
    ("Multi", "multi", None, None, ()),
    ("CP-Ops", "cell", None, "CP-Ops",
     ("Dir-CP-Ops", "Secretaris CP-Ops", "Dir-Brw", "Dir-Med", "Dir-Pol", "Dir-Log",
      "Noodplanningsambtenaar")),
    ("D1 Brandweer", "discipline", "D1", None, ()),
    ("D2 Medisch", "discipline", "D2", None, ()),
    ("D3 Politie", "discipline", "D3", None, ()),
    ("D4 Civiele Bescherming", "discipline", "D4", None, ()),
    ("D5 Communicatie", "discipline", "D5", None, ()),
    ("GCC", "cell", None, "GCC", ("Provinciaal noodplanningscoördinator",)),
)

# username -> (crisis role, crisis cell)
PARTICIPANTS = {
    "an.peeters": ("Noodplanningsambtenaar", "GCC"),
    "tom.declercq": ("Dir-CP-Ops", "CP-Ops"),
    "sofie.janssens": ("Secretaris CP-Ops", "CP-Ops"),
    "karim.elamrani": ("Dir-Med", "CP-Ops"),
    "lotte.maes": ("Dir-Pol", "CP-Ops"),
    "jan.devos": ("Meetploegleider", "CP-Ops"),
    "nina.desmet": ("Dir-Info", "GCC"),
    "pieter.wouters": ("Dispatcher 112", None),
    "els.vandamme": ("Provinciaal noodplanningscoördinator", None),
    "wim.verhaegen": ("Observator", None),
    "marc.nordchem": ("Interne noodplanningscoördinator", "CP-Ops"),
}

# (time, feed, author, tags, text)
MESSAGES = (
    ("09:02", "Multi", "pieter.wouters", "important",
     "Melding 112 om 08:58: lek op ammoniakleiding bij Nordchem Scheldemonde NV, Kaaiweg 14. "
     "Ammoniakgeur gemeld tot aan de woonwijk Polderhoek. Brandweer en DGH gealarmeerd."),
    ("09:06", "D1 Brandweer", "tom.declercq", "",
     "Eerste ploeg ter plaatse. Witte wolk boven tankpark 3, wind ZW 3 Bft. Ademlucht verplicht."),
    ("09:11", "Multi", "tom.declercq", "decision",
     "CP-Ops opgericht op parking Sporthal De Polder, Polderkerkestraat 2. Dir-CP-Ops: Tom De Clercq."),
    ("09:14", "CP-Ops", "sofie.janssens", "",
     "Eerste CP-Ops-overleg 09:20 in de commandowagen. Aanwezig: D1, D2, D3, bedrijf."),
    ("09:18", "Multi", "an.peeters", "question",
     "Moeten de scholen in Polderhoek (BS De Schelde, 240 leerlingen) binnen blijven of evacueren?"),
    ("09:22", "D2 Medisch", "karim.elamrani", "",
     "Vier werknemers met ademhalingsklachten, opgevangen in gewondennest aan poort 2. PSIF verwittigd."),
    ("09:25", "CP-Ops", "marc.nordchem", "",
     "Leiding afgesloten om 09:19. Geschatte uitstoot 400 kg NH3. Interne noodplan geactiveerd."),
    ("09:31", "Multi", "tom.declercq", "answer decision",
     "Scholen Polderhoek: schuilen, niet evacueren. Ramen en deuren dicht, ventilatie uit."),
    ("09:34", "D3 Politie", "lotte.maes", "",
     "Afsluiting Kaaiweg en N451 tussen rotonde Doelmeer en brug Kalloo. Omleiding via R2."),
    ("09:40", "Multi", "tom.declercq", "important",
     "Perimeters bepaald: rode zone 600 m, oranje zone 1,5 km windafwaarts (NO). Kaart gedeeld "
     "in Multi als laag 'Perimeters Nordchem'."),
    ("09:45", "GCC", "an.peeters", "decision",
     "GCC Scheldemonde samengeroepen 10:00 in het gemeentehuis. Burgemeester aanwezig."),
    ("09:48", "D4 Civiele Bescherming", "jan.devos", "",
     "Meetploeg 2 vertrekt op meetroute NO van het bedrijf. Resultaten volgen in CP-Ops."),
    ("09:52", "D5 Communicatie", "nina.desmet", "",
     "BE-Alert bericht voorbereid voor oranje zone: 'Blijf binnen, sluit ramen en deuren.'"),
    ("09:55", "Multi", "nina.desmet", "decision",
     "BE-Alert verstuurd om 09:54 naar oranje zone (sms, spraak, e-mail)."),
    ("10:02", "CP-Ops", "jan.devos", "",
     "Meting MP03: 31 ppm NH3 op 800 m NO. Boven de interventiewaarde."),
    ("10:05", "Multi", "lotte.maes", "question",
     "Mogen bewoners van de Kaaiweg met eigen wagen vertrekken?"),
    ("10:09", "Multi", "tom.declercq", "answer",
     "Nee: binnen blijven tot de vrijgave. Wie weg moet, wordt begeleid door D3."),
    ("10:15", "D2 Medisch", "karim.elamrani", "sitrep",
     "SITREP D2 10:15: 4 lichtgewonden, 1 middelzwaar (afgevoerd AZ Scheldemonde). Geen doden."),
    ("10:20", "GCC", "els.vandamme", "",
     "Provincie volgt op. Gouverneur overweegt provinciale fase als oranje zone groter wordt."),
    ("10:31", "CP-Ops", "sofie.janssens", "sitrep",
     "SITREP CP-Ops 10:30: lek gestopt, wolk verdunt. Opvangcentrum Sporthal De Polder open."),
    ("10:44", "Multi", "pieter.wouters", "",
     "112 meldt 17 oproepen over geurhinder uit Kalloo. Verwezen naar info-nummer 1771."),
    ("10:58", "CP-Ops", "jan.devos", "",
     "Meting MP10: 2 ppm NH3. Dalende trend op alle meetpunten."),
    ("11:10", "Multi", "tom.declercq", "important decision",
     "Rode zone opgeheven behalve het bedrijfsterrein. Oranje zone blijft tot 12:00."),
    ("11:18", "Multi", "karim.elamrani", "question",
     "Is het opvangcentrum Sporthal De Polder toegankelijk voor rolstoelgebruikers?"),
    ("11:25", "D5 Communicatie", "nina.desmet", "",
     "Persmoment 11:45 aan het gemeentehuis met burgemeester en Dir-CP-Ops."),
)

# (name, category, description, geometry kind, data)
ANCHORS = (
    ("Nordchem Scheldemonde NV - bedrijfscontour", "hazard_contour",
     "Seveso hoge drempel. Ammoniakopslag (tankpark 3), Kaaiweg 14.",
     "Polygon", [[4.2705, 51.2505], [4.2850, 51.2500], [4.2868, 51.2575], [4.2772, 51.2590],
                 [4.2712, 51.2560], [4.2705, 51.2505]]),
    ("CP-Ops Sporthal De Polder", "command_post",
     "Commandopost operaties, parking Sporthal De Polder, Polderkerkestraat 2.",
     "Point", [4.2610, 51.2330]),
    ("Opvangcentrum Sporthal De Polder", "reception_centre",
     "Opvangcentrum voor geëvacueerden, 300 plaatsen.", "Point", [4.2668, 51.2296]),
    ("Gewondennest poort 2", "medical_post", "Gewondennest D2 aan poort 2 van Nordchem.",
     "Point", [4.2698, 51.2492]),
    ("BS De Schelde (Polderhoek)", "school", "Basisschool, 240 leerlingen. Schuilen.",
     "Point", [4.2930, 51.2655]),
    ("Gemeentehuis Scheldemonde (GCC)", "crisis_centre", "Gemeentelijk coördinatiecomité.",
     "Point", [4.2490, 51.2270]),
)

# Organisations' own anchors (no case): the key places a new case can be located at.
# (name, organisation, category, description, kind, coordinates)
ORGANISATION_ANCHORS = (
    ("Nordchem Scheldemonde NV - bedrijfscontour", "Nordchem Scheldemonde NV", "hazard_contour",
     "Seveso hoge drempel, Kaaiweg 14.", "Polygon", ANCHORS[0][4]),
    ("Gemeentehuis Scheldemonde", "Gemeente Scheldemonde", "crisis_centre",
     "Gemeentelijk coördinatiecomité.", "Point", [4.2490, 51.2270]),
    ("Sporthal De Polder", "Gemeente Polderkerke", "reception_centre",
     "Opvangcentrum, 300 plaatsen.", "Point", [4.2668, 51.2296]),
    ("Marktplein Polderkerke", "Gemeente Polderkerke", "other",
     "Plein voor evenementen, 4.000 bezoekers.", "Point", [4.2790, 51.1700]),
    ("Sluis Kalloo", "Gemeente Kalloo", "infrastructure",
     "Zeesluis, kritieke infrastructuur.", "Point", [4.3550, 51.2620]),
)

# (scope, kind, name, organisation, function, phone, email, address); scope "global" or "case"
CONTACTS = (
    ("global", "organisation", "Brandweerzone Waasland - wachtofficier", "Brandweerzone Waasland",
     "Permanentie", "+32 3 760 11 00", "wacht@bz-waasland.example", "Brandweerlaan 1, Scheldemonde"),
    ("global", "organisation", "Nordchem Scheldemonde NV - veiligheidsdienst",
     "Nordchem Scheldemonde NV", "24/7 bedrijfsnoodnummer", "+32 3 760 45 45",
     "safety@nordchem.example", "Kaaiweg 14, Scheldemonde"),
    ("global", "person", "Hilde Verstraete", "Provincie Scheldeland", "Kabinet gouverneur",
     "+32 9 260 30 10", "hilde.verstraete@scheldeland.example", ""),
    ("global", "person", "Koen Baert", "Vlaams Milieumeetnet", "Expert luchtkwaliteit",
     "+32 2 553 40 20", "koen.baert@milieumeetnet.example", ""),
    ("global", "organisation", "AZ Scheldemonde - spoedgevallen", "AZ Scheldemonde",
     "Spoedgevallendienst", "+32 3 760 80 80", "spoed@azscheldemonde.example",
     "Ziekenhuislaan 5, Scheldemonde"),
    ("case", "person", "Marc Claes", "Nordchem Scheldemonde NV",
     "Interne noodplanningscoördinator", "+32 3 760 45 12", "marc.claes@nordchem.example", ""),
    ("case", "person", "Greet Mertens", "BS De Schelde", "Directie", "+32 3 760 22 33",
     "directie@bsdeschelde.example", "Polderhoek 8, Scheldemonde"),
    ("case", "organisation", "Sporthal De Polder - beheerder", "Gemeente Scheldemonde",
     "Opvangcentrum", "+32 3 760 70 70", "sporthal@scheldemonde.example",
     "Polderkerkestraat 2, Scheldemonde"),
)
# Still asked for consent (the mail is in the list to send); kept personal data, at their wish.
CONTACTS_ASKED = ("Koen Baert",)
CONTACTS_PERSONAL = {"Hilde Verstraete": ("+32 475 12 34 56", "", "")}

# (file, layer name, description, owner, shared in feeds (empty: personal), default colour)
LAYERS = (
    ("perimeter-nordchem.kml", "Perimeters Nordchem",
     "Rode, oranje en gele zone en afzetting, bepaald door Dir-CP-Ops om 09:40.",
     "tom.declercq", ("Multi",), None),
    ("gasmetingen-nh3.geojson", "Gasmetingen NH3",
     "Meetpunten D1/D4 (ppm NH3), aangeleverd in Lambert 72.",
     "jan.devos", ("CP-Ops", "D4 Civiele Bescherming"), "#7b2cbf"),
    ("meetroute-d4.gpx", "Meetroute D4 meetploeg 2", "GPS-track van de meetwagen.",
     "jan.devos", ("CP-Ops",), "#0b7285"),
)
