"""Word lists the rules use: titles, roles, organisation heads, function words."""

from __future__ import annotations

# Capitalised titles before a name: "President Volodymyr Zelensky" -> "Volodymyr Zelensky".
TITLES = frozenset(
    """President Vice-President Prime Minister Deputy Foreign Defense Defence Secretary
    General Colonel Colonel-General Lieutenant Lieutenant-General Lieutenant-Colonel Major
    Major-General Captain Sergeant Admiral Vice-Admiral Rear-Admiral Marshal Commander
    Commander-in-Chief Chief Head Chairman Chairwoman Chair Speaker Spokesperson Spokesman
    Spokeswoman Advisor Adviser Ambassador Governor Mayor Senator Representative Congressman
    Congresswoman MP Patriarch Pope Metropolitan Archbishop Bishop Ombudsman Ombudsperson
    Commissioner Director Prosecutor Judge King Queen Prince Chancellor Premier Sheikh Emir
    Mr Mrs Ms Dr Gen Lt Col Maj Capt Sgt Adm Gov Sen Rep Prof Professor Envoy Coordinator
    Administrator Inspector Founder Leader Officer Secretary-General Minister-Counsellor
    Presidential Press Acting Colonel-Lieutenant Army-General Brigadier Private Corporal
    Journalist Blogger Milblogger Correspondent Analyst Observer Commentator Expert Researcher
    Lawyer Activist Ombudswoman Deputy-Head Councillor Councilor""".split()
)
# Title words that also begin organisation names ("Defense Forces", "General Staff").
TITLES_IN_ORGS = frozenset("Defense Defence Foreign Prime Press Presidential General Deputy Acting Chief".split())
# Lowercase role nouns right before a name: "military observer Kostyantyn Mashovets".
ROLES = frozenset(
    """observer milblogger blogger financier officer commander spokesperson spokesman
    spokeswoman advisor adviser journalist correspondent analyst expert lawyer founder leader
    head chief deputy chairman minister president governor mayor official politician activist
    businessman oligarch writer editor reporter author researcher professor commentator
    propagandist host presenter soldier serviceman servicemember colonel general lieutenant
    sergeant captain member representative ambassador envoy secretary speaker director
    coordinator prosecutor ombudsman pilot volunteer critic commissioner chairwoman
    correspondent rapporteur emissary negotiator""".split()
)
# Last word of an organisation's name: "Kharkiv Anti-Corruption Center".
ORG_HEADS = frozenset(
    """Ministry Institute Council Committee Agency Service Services Office Duma Church Bank
    Company Corporation Corp University Parliament Commission Court Center Centre Foundation
    Administration Department Directorate Guard Navy Party Union Organization Organisation
    Network Association Assembly Cabinet Headquarters Command Staff Police Fund Alliance
    League Movement Front Forces Force Times Post News Television Radio Channel Agency
    Institution Academy Bureau Inspectorate Ministries Consortium Group Holding Holdings
    Concern Plant Factory Works Corporation Airlines Railways Embassy Mission Secretariat
    Tribunal Prosecutor's Prosecutors Council's""".split()
)
UNIT_HEADS = frozenset("Brigade Battalion Regiment Division Corps Detachment Fleet Flotilla Squadron Legion".split())
GPE_SUFFIXES = frozenset("Oblast Krai Raion Region Republic Okrug District Hromada Governorate Province County".split())
PLACE_NOUNS = frozenset("city town village settlement hamlet outskirts suburb district region".split())
PLACE_PREPS = frozenset("near outside around toward towards into at via past in from".split())
# Joined inside a capitalised name: "Institute for the Study of War".
CONNECTORS = frozenset("of for the de von der da al bin ibn".split())
# Capitalised for grammar, not because they name something.
STOP_CAPS = frozenset(
    """The A An This That These Those It Its He She They We I You Our Their His Her In On At By
    For With From To Of And But Or If As While When After Before Since During However Therefore
    Meanwhile Furthermore Moreover Initially Other Others Most Some Many Several Both Each Such
    According Key Takeaways Click Share Photo Source Support Read Related Reports Author
    Published Updated Posted Yet Also Then Thus Still Although Though Because Despite Unlike
    Like Instead Here There Where What Which Who Why How Not No Nor All Any Every One Two
    Three First Second Third Last Next New Former Current Previously Recently Later Earlier
    Now Today Yesterday Overall Finally Notably Additionally Separately Similarly Specifically
    Geolocated Footage Reports Sources Officials Russian Ukrainian Mr Mrs Ms Dr Ukraine's Russia's Several Further Between Under Over
    Against Within Without Through Across Along Amid Among Around Toward Towards Near
    Following Given Until Upon Per Via Whether Whatever Wherever Whenever Let Please
    Subscribe Sign Log Home Menu Search Contact About Privacy Terms Cookie Cookies
    Note Notes Editor Update Breaking Live Video Watch Listen Image Images Credit""".split()
)
MONTH_WORDS = frozenset(
    """January February March April May June July August September October November December
    Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Monday Tuesday Wednesday Thursday Friday
    Saturday Sunday""".split()
)
# Verbs of saying right after a capitalised pair make it a speaker's name.
SPEECH_VERBS = frozenset("said says stated told claimed added wrote noted announced argued warned denied insisted".split())
