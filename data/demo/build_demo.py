#!/usr/bin/env python3
"""Build the offline demo copy of la.usembassy.gov and its ground truth (expected.json).

Why this exists: crawl and extraction tests must not depend on the live embassy site, which changes every week,
expects a browser-like client and has blocked some fetchers. This script holds a small invented news archive
(our own text, not copied from the embassy) and renders it in the markup of the usembassy.gov WordPress theme
("cms3" with Yoast SEO) as described in the project's markup spec: post pages, WordPress pages, paginated
listings, Yoast sitemaps, robots.txt and the RSS feed. Because the HTML and expected.json are written from the
same data, the expected values can never drift from the pages.

The output is deterministic (no clocks, no randomness): running it twice gives byte-identical files. It uses
the standard library only, so it runs without the project's virtualenv:

    python3 data/demo/build_demo.py

Every absolute URL is written with ``https://la.usembassy.gov``; the demo server rewrites that string to its
own address at serve time.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
HOST = "la.usembassy.gov"
BASE = f"https://{HOST}"
OUT = HERE / HOST
EXPECTED = HERE / "expected.json"

SITE_NAME = "U.S. Embassy in Laos"
SUFFIX = " | U.S. Embassy in Laos"
LAO_SUFFIX = " | ສະຖານທູດສະຫະລັດອາເມລິກາ ປະຈໍາ ສປປ ລາວ"
AUTHOR = "U.S. Embassy Vientiane"
UPLOADS = f"{BASE}/wp-content/uploads/sites/72"
THEME = f"{BASE}/wp-content/themes/cms3"
PER_PAGE = 10
REMOVED_PATH = "/removed-announcement/"
REMOVED_LASTMOD = "2024-09-03T03:00:00+00:00"

# Category display name -> slug. Lao-language categories live under /lo/category/.
CATEGORIES: dict[str, str] = {
    "Alert": "alert",
    "Business": "business",
    "Education & Culture": "education-culture",
    "Embassy News": "embassy-news",
    "Fact Sheets": "fact-sheets",
    "Grants": "grants",
    "News": "news",
    "Press Releases": "press-releases",
    "Speeches": "speeches",
    "ຂ່າວສານ": "khao-san",
}
LAO_CATEGORIES = {"ຂ່າວສານ"}
CATEGORY_IDS = {name: 3 + 2 * i for i, name in enumerate(CATEGORIES)}

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
LAO_MONTHS = ["ມັງກອນ", "ກຸມພາ", "ມີນາ", "ເມສາ", "ພຶດສະພາ", "ມິຖຸນາ", "ກໍລະກົດ", "ສິງຫາ", "ກັນຍາ", "ຕຸລາ",
              "ພະຈິກ", "ທັນວາ"]

# A body block is a paragraph (str, inline HTML allowed), ("h2", text) or ("ul", [item, ...]).
Block = str | tuple[str, str] | tuple[str, list[str]]


@dataclass(frozen=True)
class Figure:
    """A featured image shown at the top of the entry content."""

    file: str
    alt: str
    caption: str


@dataclass
class Post:
    """One WordPress post. Titles are plain Unicode; body blocks are HTML fragments."""

    slug: str
    title: str
    published: str
    modified: str
    categories: list[str]
    body: list[Block]
    tags: list[str] = field(default_factory=list)
    figure: Figure | None = None
    json_ld: bool = True
    share: str = "addtoany"
    suffix: str = SUFFIX
    description: str | None = None
    lang: str = "en"
    post_id: int = 0

    @property
    def path(self) -> str:
        return f"/lo/{self.slug}/" if self.lang == "lo" else f"/{self.slug}/"

    @property
    def url(self) -> str:
        return BASE + self.path

    @property
    def pub_dt(self) -> datetime:
        return datetime.fromisoformat(self.published).replace(tzinfo=UTC)

    @property
    def mod_dt(self) -> datetime:
        return datetime.fromisoformat(self.modified).replace(tzinfo=UTC)

    @property
    def image_url(self) -> str | None:
        if not self.figure:
            return None
        return f"{UPLOADS}/{self.pub_dt:%Y/%m}/{self.figure.file}-1024x683.jpg"


@dataclass
class Page:
    """One WordPress page (not an article)."""

    path: str
    title: str
    page_id: int
    modified: str
    body: list[Block]
    parent: tuple[str, str] | None = None  # (title, path)


EMBASSY_CONTACT = ("U.S. Embassy Vientiane, Thadeua Road, Km 9, Ban Somvang Tai, Hadsayfong District, Vientiane, "
                   "Lao PDR; telephone: +856 21-48-7000.")

POSTS: list[Post] = [
    Post(
        slug="afcp-grant-supports-conservation-work-at-vat-phou",
        title="Ambassador’s Fund for Cultural Preservation Supports Conservation Work at Vat Phou",
        published="2021-01-19T03:12:40", modified="2021-01-20T08:01:15",
        categories=["Grants", "Press Releases"], tags=["Cultural Heritage", "AFCP"],
        figure=Figure("vat-phou-conservation", "Conservators examine a stone lintel at Vat Phou",
                      "Lao and international conservators examine a carved sandstone lintel at the Vat Phou World "
                      "Heritage Site. (U.S. Embassy photo)"),
        json_ld=False, share="addthis",
        body=[
            "The U.S. Embassy in Vientiane has awarded a grant of $150,000 through the U.S. Ambassador&#8217;s Fund "
            "for Cultural Preservation (AFCP) to support the stabilization of the southern gallery at the Vat Phou "
            "temple complex in Champasak Province.",
            "The two-year project will be carried out in partnership with the Ministry of Information, Culture and "
            "Tourism and the Vat Phou World Heritage Site Office. Lao specialists will document the condition of the "
            "gallery walls, reset displaced sandstone blocks, and improve drainage to protect the foundations from "
            "seasonal rains.",
            "&ldquo;Vat Phou is a treasure for the people of Laos and for the world,&rdquo; said the Chargé "
            "d&#8217;Affaires at the signing ceremony. &ldquo;The United States is proud to help preserve it so that "
            "future generations can learn from it and enjoy it.&rdquo;",
            "Since 2001, AFCP has supported more than a dozen projects in Laos, including the conservation of "
            "Buddhist manuscripts, traditional textiles, and temple murals in Luang Prabang.",
        ],
    ),
    Post(
        slug="health-alert-u-s-embassy-vientiane-lao-pdr-february-24-2021",
        title="Health Alert: U.S. Embassy Vientiane, Lao PDR (February 24, 2021)",
        published="2021-02-24T06:30:00", modified="2021-02-24T06:45:12",
        categories=["Alert"],
        description="The Government of the Lao PDR has extended entry restrictions and mandatory quarantine "
                    "requirements for all international arrivals through March 31, 2021.",
        body=[
            "<strong>Location:</strong> Lao People&#8217;s Democratic Republic, countrywide",
            "<strong>Event:</strong> The Government of the Lao PDR has extended entry restrictions and mandatory "
            "quarantine requirements for all international arrivals through March 31, 2021.",
            "Travelers who receive permission to enter Laos must present a negative COVID-19 test taken within 72 "
            "hours of departure and must complete a 14-day quarantine at a designated hotel at their own expense. "
            "Commercial flight options into and out of Vientiane remain very limited.",
            ("h2", "Actions to Take:"),
            ("ul", [
                "Monitor local media and the Embassy website for updates.",
                "Contact your airline directly for the latest flight information.",
                "Enroll in the <a href=\"https://step.state.gov/\">Smart Traveler Enrollment Program</a> (STEP) to "
                "receive alerts.",
                "Follow the guidance of Lao health authorities.",
            ]),
            ("h2", "Assistance:"),
            EMBASSY_CONTACT,
        ],
    ),
    Post(
        slug="fact-sheet-u-s-support-for-unexploded-ordnance-clearance-in-laos",
        title="Fact Sheet: U.S. Support for Unexploded Ordnance Clearance in Laos",
        published="2021-03-22T02:45:09", modified="2021-03-23T04:10:00",
        categories=["Fact Sheets", "Press Releases"], tags=["UXO"],
        json_ld=False, share="addthis",
        body=[
            "From 1964 to 1973, more than two million tons of ordnance were dropped on Laos, making it, per capita, "
            "the most heavily bombed country in history. An estimated 30 percent of the munitions failed to "
            "detonate.",
            "Since 1995, the United States has contributed hundreds of millions of dollars to help Laos clear "
            "unexploded ordnance (UXO), support survivors, and teach communities how to stay safe.",
            ("h2", "Key areas of cooperation"),
            ("ul", [
                "<strong>Survey and clearance:</strong> U.S.-funded teams survey villages and farmland to find and "
                "destroy cluster munitions and other UXO.",
                "<strong>Victim assistance:</strong> support for medical care, prosthetics, and vocational training "
                "for survivors.",
                "<strong>Risk education:</strong> school and community programs that teach children and families to "
                "recognize and report UXO.",
                "<strong>Capacity building:</strong> training and equipment for the National Regulatory Authority "
                "for UXO/Mine Action.",
            ]),
            "U.S.-funded clearance has returned thousands of hectares of land to safe, productive use for farming, "
            "schools, and health centers. The number of new UXO casualties in Laos has fallen from hundreds per year "
            "in the 1990s to a few dozen today.",
            "The United States remains committed to working with the Lao government and people until the legacy of "
            "UXO no longer threatens lives and livelihoods.",
        ],
    ),
    Post(
        slug="disaster-preparedness-training-for-provincial-officials-in-savannakhet",
        title="Disaster Preparedness Training for Provincial Officials in Savannakhet",
        published="2021-04-28T04:05:33", modified="2021-04-29T02:14:51",
        categories=["Press Releases", "News"],
        json_ld=False, share="addthis",
        body=[
            "More than 40 officials from Savannakhet Province completed a five-day disaster preparedness course "
            "this week, organized by the U.S. Indo-Pacific Command&#8217;s Center for Excellence in Disaster "
            "Management and Humanitarian Assistance together with the Lao Ministry of Labor and Social Welfare.",
            "Participants practiced coordinating evacuations, setting up emergency shelters, and sharing "
            "information between district and provincial emergency committees. The training drew on lessons "
            "learned from the 2018 floods, which displaced thousands of families in southern Laos.",
            "&ldquo;Floods and storms do not respect borders,&rdquo; said a U.S. Embassy representative at the "
            "closing ceremony. &ldquo;By preparing together, we can save lives when the next emergency "
            "comes.&rdquo;",
            "The course is part of a wider U.S. program to strengthen disaster resilience in the Mekong region.",
        ],
    ),
    Post(
        slug="u-s-government-donates-ultra-cold-freezers-to-strengthen-vaccine-storage",
        title="U.S. Government Donates Ultra-Cold Freezers to Strengthen Vaccine Storage",
        published="2021-06-15T07:20:48", modified="2021-06-15T09:02:30",
        categories=["Press Releases"], tags=["COVID-19", "Health"],
        figure=Figure("ultra-cold-freezers-handover", "Ultra-cold freezers at the national vaccine warehouse",
                      "Ultra-cold chain freezers donated by the American people at the National Immunization "
                      "Program warehouse in Vientiane."),
        json_ld=False, suffix=" - U.S. Embassy in Laos",
        body=[
            "The United States, through the U.S. Agency for International Development (USAID), handed over 20 "
            "ultra-cold chain freezers to the Ministry of Health today to strengthen the country&#8217;s capacity to "
            "store and distribute COVID-19 vaccines.",
            "The freezers can keep vaccines at temperatures as low as minus 80 degrees Celsius and will be installed "
            "at the National Immunization Program warehouse in Vientiane and in provincial hospitals in Luang "
            "Prabang, Savannakhet, and Champasak.",
            "USAID also funded training for 60 cold chain technicians on how to operate and maintain the equipment "
            "and how to monitor temperatures during transport.",
            "This donation adds to the assistance the United States has provided to support Laos&#8217;s response "
            "to the pandemic, including laboratory supplies, oxygen equipment, and support for infection prevention "
            "in health facilities.",
        ],
    ),
    Post(
        slug="united-states-donates-pfizer-covid-19-vaccines-to-lao-pdr-through-covax",
        title="United States Donates Pfizer COVID-19 Vaccines to Lao PDR through COVAX",
        published="2021-07-30T08:02:17", modified="2021-08-02T03:30:41",
        categories=["Press Releases", "News"], tags=["COVID-19", "Health", "Vaccines"],
        figure=Figure("covid-vaccine-arrival-wattay", "Vaccine shipment unloaded at Wattay International Airport",
                      "Boxes of COVID-19 vaccine donated by the United States are unloaded at Wattay International "
                      "Airport, Vientiane."),
        body=[
            "A shipment of 1,000,000 doses of the Pfizer-BioNTech COVID-19 vaccine donated by the United States "
            "arrived at Wattay International Airport in Vientiane today. The vaccines were delivered through COVAX, "
            "the global initiative to ensure fair access to COVID-19 vaccines.",
            "The donation is part of the U.S. commitment to share hundreds of millions of vaccine doses with "
            "countries around the world, with no conditions attached.",
            "&ldquo;Vaccines are the best tool we have to end this pandemic,&rdquo; said the U.S. Ambassador at a "
            "handover ceremony with the Minister of Health. &ldquo;We are proud to stand with the Lao people in this "
            "fight.&rdquo;",
            "The United States is also supporting the Ministry of Health to plan vaccination campaigns, train health "
            "workers, and reach remote communities. Key elements include:",
            ("ul", [
                "Cold chain equipment and training for provincial health offices.",
                "Communication campaigns to answer common questions about vaccine safety.",
                "Technical assistance to track doses and monitor side effects.",
            ]),
            "Residents can find the nearest vaccination site by contacting their district health office.",
        ],
    ),
    Post(
        slug="yseali-academic-fellowship-alumni-lead-community-projects-in-champasak",
        title="YSEALI Academic Fellowship Alumni Lead Community Projects in Champasak",
        published="2021-09-09T05:40:02", modified="2021-09-09T05:40:02",
        categories=["Education & Culture", "News"], tags=["YSEALI"],
        body=[
            "Five alumni of the Young Southeast Asian Leaders Initiative (YSEALI) Academic Fellowship have launched "
            "community projects in Champasak Province with small grants from the U.S. Embassy.",
            "The projects include a youth reading club in Pakse, a program that teaches farmers to make organic "
            "fertilizer, and a campaign to reduce plastic waste along the Mekong River. Each project is led by a "
            "young Lao leader who studied in the United States on a five-week fellowship.",
            "&ldquo;The fellowship gave me the confidence to turn an idea into action,&rdquo; said one of the "
            "alumni, a teacher from Pakse. &ldquo;Now I want to share what I learned with my community.&rdquo;",
            "YSEALI was launched in 2013 to strengthen leadership development and networking in Southeast Asia. "
            "More than 1,000 young people from Laos have joined YSEALI programs since then.",
        ],
    ),
    Post(
        slug="remarks-by-the-u-s-ambassador-at-the-launch-of-the-english-language-teaching-resource-center",
        title="Remarks by the U.S. Ambassador at the Launch of the English Language Teaching Resource Center",
        published="2021-11-03T03:15:55", modified="2021-11-04T01:20:09",
        categories=["Speeches"],
        description="Remarks by the U.S. Ambassador at the launch of a resource center for English teachers at "
                    "the National University of Laos.",
        body=[
            "<em>As prepared for delivery</em>",
            "Good morning, everyone. Vice Minister, Rector, teachers, and students: thank you for joining us today.",
            "English is more than a school subject. It opens the door to scholarships, to jobs in tourism and "
            "trade, and to conversations with people from every part of the world. That is why the United States "
            "has supported English teaching in Laos for decades.",
            "This new resource center will give teachers at the National University of Laos access to modern "
            "textbooks, online courses, and training from American English Language Fellows. Over the next three "
            "years, we expect more than 500 teachers to use its services.",
            "I want to thank our partners at the Ministry of Education and Sports for their vision and hard work. "
            "Together, we are investing in the next generation of Lao leaders.",
            "Thank you. Khop chai lai lai.",
        ],
    ),
    Post(
        slug="u-s-embassy-awards-grants-to-support-persons-with-disabilities",
        title="U.S. Embassy Awards Grants to Support Persons with Disabilities",
        published="2022-01-12T06:50:31", modified="2022-01-13T02:05:44",
        categories=["Grants", "Press Releases"], tags=["Disability Inclusion"],
        body=[
            "The U.S. Embassy has awarded three grants totaling $210,000 to Lao organizations that promote the "
            "rights and inclusion of persons with disabilities.",
            "The Lao Disabled People&#8217;s Association will use its grant to train district officials on "
            "accessible public services. A second grant will help a vocational school in Vientiane Province offer "
            "sewing, computer, and motorcycle repair courses for young people with disabilities. The third will "
            "support a sign language dictionary app for deaf students.",
            "Many Lao people live with disabilities caused by unexploded ordnance, illness, or accidents. The United "
            "States believes that everyone should have the opportunity to learn, work, and take part fully in "
            "community life.",
            "The grants were announced at an event in Vientiane attended by representatives of the Ministry of Labor "
            "and Social Welfare.",
        ],
    ),
    Post(
        slug="notice-of-funding-opportunity-public-diplomacy-small-grants-program-2022",
        title="Notice of Funding Opportunity: Public Diplomacy Small Grants Program 2022",
        published="2022-02-17T02:30:00", modified="2022-02-21T07:48:13",
        categories=["Grants"], tags=["Funding Opportunities"],
        body=[
            "The Public Affairs Section of the U.S. Embassy in Vientiane is pleased to announce that funding is "
            "available through its Public Diplomacy Small Grants Program. This is an annual program open to Lao and "
            "American organizations and individuals.",
            ("h2", "Priority program areas"),
            ("ul", [
                "Promoting English language learning and educational exchange.",
                "Supporting entrepreneurship and economic opportunity for young people.",
                "Preserving cultural heritage and sharing American culture.",
                "Strengthening media literacy and access to information.",
            ]),
            ("h2", "Eligibility &amp; award amounts"),
            "Registered not-for-profit organizations, educational institutions, and individuals may apply. Awards "
            "generally range from $5,000 to $25,000, and projects should be completed within 12 months.",
            "Applications must be submitted by email to <a href=\"mailto:VientianeGrants@state.gov\">"
            "VientianeGrants@state.gov</a> no later than April 15, 2022. Late applications will not be considered.",
        ],
    ),
    Post(
        slug="u-s-and-lao-officials-mark-completion-of-dengue-surveillance-training",
        title="U.S. and Lao Officials Mark Completion of Dengue Surveillance Training",
        published="2022-03-30T04:22:14", modified="2022-03-30T04:22:14",
        categories=["Press Releases"], tags=["Health"],
        body=[
            "Twenty-five laboratory staff and epidemiologists from eight provinces completed a three-week training "
            "in dengue surveillance at the National Center for Laboratory and Epidemiology in Vientiane.",
            "The course, supported by the U.S. Centers for Disease Control and Prevention (CDC), covered mosquito "
            "sampling, laboratory testing, and how to report outbreaks quickly so that health teams can respond "
            "before cases spread.",
            "Dengue fever is a serious public health problem in Laos, with large outbreaks during the rainy season. "
            "Faster detection helps hospitals prepare and allows communities to remove mosquito breeding sites in "
            "time.",
            "CDC has worked with the Lao Ministry of Health for more than a decade on influenza, dengue, and other "
            "infectious diseases.",
        ],
    ),
    Post(
        slug="fulbright-foreign-student-program-now-accepting-applications-for-2023-2024",
        title="Fulbright Foreign Student Program Now Accepting Applications for 2023–2024",
        published="2022-05-18T03:00:45", modified="2022-05-19T06:33:27",
        categories=["Education & Culture"], tags=["Fulbright", "Scholarships"],
        body=[
            "The U.S. Embassy in Vientiane invites qualified Lao citizens to apply for the Fulbright Foreign Student "
            "Program, which offers full scholarships for master&#8217;s degree study at universities in the United "
            "States.",
            "The Fulbright Program is the U.S. government&#8217;s flagship international educational exchange "
            "program. Since the program began in Laos, dozens of Lao scholars have earned degrees in fields such as "
            "public health, economics, engineering, and education.",
            ("h2", "Who may apply"),
            ("ul", [
                "Lao citizens living in Laos at the time of application.",
                "Applicants with a bachelor&#8217;s degree and a strong academic record.",
                "Applicants with good English skills and a TOEFL score, or willingness to take the test.",
                "Applicants who commit to return to Laos after completing their studies.",
            ]),
            "The scholarship covers tuition, round-trip airfare, a monthly living allowance, and health insurance. "
            "Completed applications are due by June 30, 2022.",
        ],
    ),
    Post(
        slug="united-states-supports-lao-pdrs-efforts-to-combat-wildlife-trafficking",
        title="United States Supports Lao PDR’s Efforts to Combat Wildlife Trafficking",
        published="2022-06-22T07:11:26", modified="2022-06-23T03:40:02",
        categories=["Press Releases", "News"], tags=["Wildlife"],
        body=[
            "The United States and the Lao Ministry of Agriculture and Forestry opened a workshop in Vientiane today "
            "to help officials detect and stop the illegal trade in wildlife and timber.",
            "Over four days, 35 officers from forestry, customs, and police agencies will learn how to identify "
            "protected species, gather evidence, and work with partners in neighboring countries to follow "
            "trafficking networks across borders.",
            "Wildlife trafficking threatens endangered species such as pangolins, elephants, and tigers. It also "
            "fuels corruption and can spread disease from animals to people.",
            "&ldquo;Protecting wildlife protects the natural heritage of Laos and the health of its people,&rdquo; "
            "said a U.S. Embassy official. The workshop is funded by the U.S. Department of State&#8217;s Bureau of "
            "International Narcotics and Law Enforcement Affairs.",
        ],
    ),
    Post(
        slug="usaid-launches-project-to-strengthen-lao-small-and-medium-enterprises",
        title="USAID Launches Project to Strengthen Lao Small and Medium Enterprises",
        published="2022-08-10T02:55:19", modified="2022-08-10T08:12:00",
        categories=["Business", "Press Releases"], tags=["Trade"],
        body=[
            "The U.S. Agency for International Development launched a five-year project today to help small and "
            "medium enterprises in Laos grow, create jobs, and reach new markets.",
            "The project will offer business training, help companies meet international quality standards, and "
            "connect Lao producers of coffee, organic vegetables, and handicrafts with buyers in the region and in "
            "the United States.",
            "Small and medium enterprises make up more than 90 percent of businesses in Laos. Helping them succeed "
            "supports a more diverse and resilient economy.",
            "The launch event in Vientiane brought together representatives of the Ministry of Industry and "
            "Commerce, the Lao National Chamber of Commerce and Industry, and business owners from several "
            "provinces.",
        ],
    ),
    Post(
        slug="ambassador-visits-xieng-khouang-province-partnership-on-uxo-survey-deepens",
        title="Ambassador Visits Xieng Khouang Province – Partnership on UXO Survey Deepens",
        published="2022-09-27T05:33:52", modified="2022-09-28T01:15:37",
        categories=["Embassy News", "News"], tags=["UXO"],
        figure=Figure("ambassador-xieng-khouang-uxo", "The Ambassador with a UXO survey team in Paek District",
                      "The Ambassador meets a U.S.-funded survey team in Paek District, Xieng Khouang Province."),
        body=[
            "The U.S. Ambassador traveled to Xieng Khouang Province this week to see the progress of U.S.-funded "
            "survey and clearance teams working to make land safe for local communities.",
            "In Paek District, the Ambassador met a team of Lao technicians who use metal detectors and careful "
            "digging to locate cluster munitions left from the war. The team has cleared more than 200 hectares of "
            "farmland in the district this year.",
            "The Ambassador also visited the Plain of Jars, a UNESCO World Heritage Site, where clearance work has "
            "allowed visitors to explore the ancient stone jars safely.",
            "&ldquo;Every hectare cleared means a family can farm without fear,&rdquo; the Ambassador said. "
            "&ldquo;The United States will continue to be a partner in this important work.&rdquo;",
        ],
    ),
    Post(
        slug="u-s-and-lao-teams-conclude-joint-recovery-mission-in-houaphan-province",
        title="U.S. and Lao Teams Conclude Joint Recovery Mission in Houaphan Province",
        published="2022-11-08T03:48:06", modified="2022-11-08T03:48:06",
        categories=["Press Releases"], tags=["POW/MIA Accounting"],
        body=[
            "A joint team from the U.S. Defense POW/MIA Accounting Agency (DPAA) and the Lao government concluded a "
            "45-day recovery mission in Houaphan Province this month.",
            "The team searched for the remains of American service members missing from the Vietnam War era. Lao "
            "villagers worked alongside American specialists to excavate sites identified through earlier "
            "investigations and witness interviews.",
            "Since 1985, the United States and Laos have conducted joint operations to account for Americans missing "
            "in Laos. This cooperation is a humanitarian priority for the United States and a foundation of the "
            "relationship between our two countries.",
            "The United States thanks the Government of the Lao PDR and the people of Houaphan Province for their "
            "support.",
        ],
    ),
    Post(
        slug="u-s-embassy-hosts-seminar-on-exporting-lao-coffee-to-the-united-states",
        title="U.S. Embassy Hosts Seminar on Exporting Lao Coffee to the United States",
        published="2023-01-25T06:10:38", modified="2023-01-26T02:47:19",
        categories=["Business", "News"], tags=["Trade"],
        body=[
            "More than 70 Lao coffee growers, exporters, and roasters attended a seminar at the U.S. Embassy on how "
            "to sell Lao coffee in the United States.",
            "Speakers from the U.S. Department of Agriculture and American coffee importers explained U.S. food "
            "safety rules, labeling requirements, and what buyers look for in specialty coffee. Participants also "
            "learned about cupping scores and certification programs.",
            ("h2", "Next steps for exporters"),
            ("ul", [
                "Register export facilities with the U.S. Food and Drug Administration.",
                "Prepare samples for evaluation by U.S. importers.",
                "Join trade missions and specialty coffee fairs.",
            ]),
            "Coffee from the Bolaven Plateau is gaining a reputation among specialty roasters, and the United States "
            "is one of the world&#8217;s largest coffee markets.",
        ],
    ),
    Post(
        slug="u-s-office-to-monitor-and-combat-trafficking-meets-with-anti-human-trafficking-secretariat-of-lao-pdr"
             "-for-learning-event",
        title="U.S. Office to Monitor and Combat Trafficking Meets with Anti-Human Trafficking Secretariat of Lao PDR "
              "for Learning Event",
        published="2023-03-17T09:21:11", modified="2023-03-20T02:10:45",
        categories=["News", "Press Releases"], tags=["anti-trafficking"],
        figure=Figure("tip-learning-event-vientiane", "Participants at the anti-trafficking learning event",
                      "Participants in the anti-trafficking learning event in Vientiane, March 2023. "
                      "(U.S. Embassy photo)"),
        body=[
            "Officials from the U.S. Department of State&#8217;s Office to Monitor and Combat Trafficking in Persons "
            "(TIP Office) met with the Anti-Human Trafficking Secretariat of the Lao PDR in Vientiane on March 15 "
            "and 16 for a two-day learning event.",
            "The event brought together representatives of the Ministry of Public Security, the Ministry of Labor "
            "and Social Welfare, the Lao Women&#8217;s Union, and civil society partners. Participants shared "
            "experiences in identifying victims, investigating cases, and providing shelter, counseling, and legal "
            "aid to survivors.",
            "Discussions focused on three areas:",
            ("ul", [
                "Screening migrant workers and other vulnerable groups for signs of trafficking.",
                "Improving cooperation between police, prosecutors, and victim service providers.",
                "Preventing online recruitment scams that lure young people into forced labor.",
            ]),
            "&ldquo;Human trafficking is a crime that affects every country, including the United States,&rdquo; "
            "said a member of the TIP Office delegation. &ldquo;We learn from our Lao partners as much as we "
            "share.&rdquo;",
            "The United States supports anti-trafficking programs in Laos that train front-line officials, "
            "strengthen victim protection, and raise awareness in communities at risk.",
        ],
    ),
    Post(
        slug="security-alert-lao-new-year-celebrations-april-12-2023",
        title="Security Alert: Lao New Year Celebrations (April 12, 2023)",
        published="2023-04-12T02:05:27", modified="2023-04-12T02:31:50",
        categories=["Alert"],
        description="Lao New Year (Pi Mai Lao) will be celebrated from April 14 to 17, 2023. Large crowds, water "
                    "throwing, and heavy traffic are expected in many cities.",
        body=[
            "<strong>Location:</strong> Vientiane, Luang Prabang, and other cities throughout Laos",
            "<strong>Event:</strong> Lao New Year (Pi Mai Lao) will be celebrated from April 14 to 17, 2023. Large "
            "crowds, water throwing, and heavy traffic are expected in many cities, especially in Vientiane and "
            "Luang Prabang.",
            "Road accidents increase sharply during the holiday, often involving drivers under the influence of "
            "alcohol. Petty theft of phones and bags is also common in crowded areas.",
            ("h2", "Actions to Take:"),
            ("ul", [
                "Avoid driving or riding motorcycles at night during the holiday.",
                "Keep phones, passports, and valuables in waterproof bags and out of sight.",
                "Be aware of your surroundings in large crowds.",
                "Carry a copy of your passport and the Embassy&#8217;s contact information.",
            ]),
            ("h2", "Assistance:"),
            EMBASSY_CONTACT,
        ],
    ),
    Post(
        slug="applications-open-for-yseali-seeds-for-the-future-2023",
        title="Applications Open for YSEALI Seeds for the Future 2023",
        published="2023-05-24T04:44:44", modified="2023-05-25T03:02:18",
        categories=["Grants", "Education & Culture"], tags=["YSEALI", "Grants"],
        body=[
            "The U.S. Mission to ASEAN and the U.S. Embassy in Vientiane are accepting applications for YSEALI Seeds "
            "for the Future, a program that gives grants of up to $15,000 to young leaders with ideas to solve "
            "problems in their communities.",
            "Projects may address topics such as environmental protection, education, public health, civic "
            "engagement, and economic empowerment. Teams selected for funding receive training in project "
            "management and are matched with a mentor.",
            ("h2", "Requirements"),
            ("ul", [
                "Team leaders must be between 18 and 35 years old.",
                "Team members must be citizens and residents of an ASEAN member state or Timor-Leste.",
                "Projects must be completed within one year.",
            ]),
            "Visit the YSEALI website for the full guidelines. The deadline to apply is June 30, 2023.",
        ],
    ),
    Post(
        slug="remarks-by-the-u-s-ambassador-at-the-celebration-of-the-247th-anniversary-of-u-s-independence",
        title="Remarks by the U.S. Ambassador at the Celebration of the 247th Anniversary of U.S. Independence",
        published="2023-06-29T12:30:00", modified="2023-06-30T02:00:31",
        categories=["Speeches"],
        description="Remarks by the U.S. Ambassador at the Embassy's reception celebrating the 247th anniversary of "
                    "the independence of the United States.",
        body=[
            "Excellencies, distinguished guests, friends: good evening, and welcome.",
            "Two hundred and forty-seven years ago, the founders of the United States declared that all people are "
            "created equal and have the right to life, liberty, and the pursuit of happiness. We are still working "
            "to live up to those ideals, and we celebrate them tonight with our friends in Laos.",
            "This year, our two countries have worked side by side to clear unexploded ordnance, strengthen health "
            "systems, expand trade, and give young Lao people the chance to study in the United States. Each of "
            "these efforts reflects a partnership built on respect and shared goals.",
            "I want to thank the Lao government for its cooperation, and the Lao and American staff of the Embassy "
            "for their dedication throughout the year.",
            "Please join me in a toast to the friendship between the United States and the Lao People&#8217;s "
            "Democratic Republic.",
        ],
    ),
    Post(
        slug="united-states-and-lao-pdr-expand-access-to-clean-water-in-rural-schools",
        title="United States and Lao PDR Expand Access to Clean Water in Rural Schools",
        published="2023-07-06T03:27:03", modified="2023-07-07T04:19:58",
        categories=["Press Releases"], tags=["Health", "Education"],
        body=[
            "The United States and the Ministry of Education and Sports launched a project today to bring clean "
            "water and handwashing stations to 120 primary schools in Oudomxay and Phongsaly Provinces.",
            "Many rural schools in northern Laos lack safe drinking water and toilets, which causes illness and "
            "keeps children, especially girls, away from class. The project will build water systems, train "
            "teachers to lead hygiene lessons, and set up village committees to maintain the facilities.",
            "The project is implemented by a Lao non-profit partner with funding from USAID and builds on earlier "
            "school health programs in the same provinces.",
            "&ldquo;Healthy children learn better,&rdquo; said the USAID Country Representative. &ldquo;Clean water "
            "is one of the simplest and most effective investments we can make in their future.&rdquo;",
        ],
    ),
    Post(
        slug="u-s-donates-equipment-to-lao-customs-to-detect-illicit-drugs-and-precursor-chemicals",
        title="U.S. Donates Equipment to Lao Customs to Detect Illicit Drugs and Precursor Chemicals",
        published="2023-10-11T05:15:49", modified="2023-10-11T07:26:05",
        categories=["Press Releases", "News"], tags=["Law Enforcement"],
        body=[
            "The U.S. Embassy handed over handheld chemical analyzers, drug test kits, and protective equipment to "
            "the Customs Department of the Ministry of Finance at a ceremony in Vientiane today.",
            "The equipment, valued at $480,000, will be used at the Lao-Thai Friendship Bridge, the Boten railway "
            "station, and other checkpoints to identify methamphetamine, heroin, and the chemicals used to produce "
            "them.",
            "The Golden Triangle region remains a global center for synthetic drug production. By stopping "
            "precursor chemicals at the border, customs officers can disrupt production before drugs reach "
            "communities in Laos and beyond.",
            "The donation was funded by the U.S. Department of State&#8217;s Bureau of International Narcotics "
            "&amp; Law Enforcement Affairs, which has also provided training for more than 300 Lao customs and "
            "police officers since 2019.",
        ],
    ),
    Post(
        slug="english-access-microscholarship-program-graduates-60-students-in-vientiane",
        title="English Access Microscholarship Program Graduates 60 Students in Vientiane",
        published="2023-12-06T04:00:12", modified="2023-12-06T04:00:12",
        categories=["Education & Culture"], tags=["English Access"],
        figure=Figure("access-graduation-2023", "Access program graduates hold their certificates",
                      "Graduates of the English Access Microscholarship Program with their certificates."),
        body=[
            "Sixty students from Vientiane Capital and Vientiane Province graduated this week from the English "
            "Access Microscholarship Program after two years of after-school English classes.",
            "The Access program gives talented 13- to 20-year-olds from economically disadvantaged backgrounds the "
            "chance to build English skills, learn about American culture, and take part in community service.",
            "During their studies, the students organized a book drive for rural schools, cleaned up the banks of "
            "the Mekong River, and performed a play at the American Center.",
            "At the graduation ceremony, students gave speeches in English about their goals. Many plan to study at "
            "university and work in fields such as medicine, engineering, and tourism.",
        ],
    ),
    Post(
        slug="u-s-government-funds-clinical-training-for-lao-midwives",
        title="U.S. Government Funds Clinical Training for Lao Midwives",
        published="2024-01-31T03:36:21", modified="2024-02-01T02:11:46",
        categories=["Press Releases"], tags=["Health"],
        body=[
            "USAID has launched a program to provide clinical training for 300 midwives working in district "
            "hospitals and health centers in six provinces.",
            "The training covers safe delivery, care for newborns, early detection of complications, and "
            "counseling for mothers. Trainers from the University of Health Sciences will also mentor midwives at "
            "their workplaces.",
            "Laos has made great progress in reducing maternal and newborn deaths over the past two decades, but "
            "women in remote areas still face long distances to skilled care. Well-trained midwives close to home "
            "can save lives.",
            "The program supports the Ministry of Health&#8217;s national strategy for reproductive, maternal, "
            "newborn, and child health.",
        ],
    ),
    Post(
        slug="celebrating-women-leaders-in-lao-science-and-technology",
        title="Celebrating Women Leaders in Lao Science and Technology",
        published="2024-03-14T06:18:37", modified="2024-03-15T03:44:20",
        categories=["Embassy News", "News"], tags=["Women in STEM"],
        figure=Figure("women-in-stem-panel", "Four panelists speak to students at the U.S. Embassy",
                      "Lao women leaders in science and technology speak with students at the U.S. Embassy."),
        body=[
            "To mark Women&#8217;s History Month, the U.S. Embassy hosted a panel discussion with four Lao women who "
            "are leaders in science, engineering, and technology.",
            "The panelists, including a software developer, a hydrologist, a doctor, and a university lecturer in "
            "electrical engineering, spoke to an audience of 150 high school and university students about their "
            "careers and the challenges they have overcome.",
            "&ldquo;Do not let anyone tell you that science is not for girls,&rdquo; one panelist told the students. "
            "&ldquo;Be curious, ask questions, and find people who will support you.&rdquo;",
            "The event also introduced exchange programs that support women in science, technology, engineering, "
            "and mathematics, including the TechWomen program and YSEALI workshops.",
        ],
    ),
    Post(
        slug="united-states-supports-disaster-risk-reduction-exercises-along-the-mekong",
        title="United States Supports Disaster Risk Reduction Exercises Along the Mekong",
        published="2024-05-22T02:12:58", modified="2024-05-22T09:05:10",
        categories=["Press Releases"], tags=["Mekong"],
        body=[
            "Emergency responders from Laos, Cambodia, Thailand, and Vietnam took part in a three-day flood response "
            "exercise in Bolikhamxay Province this week, with support from the United States through the "
            "Mekong-U.S. Partnership.",
            "The exercise simulated a major flood along the Mekong River and its tributaries. Teams practiced search "
            "and rescue by boat, setting up field hospitals, and sharing river level data between countries.",
            "Better early warning helps families move to safety before floods arrive. The Mekong-U.S. Partnership "
            "supports data sharing, training, and planning to help communities prepare for disasters.",
            "Lao officials from the Ministry of Labor and Social Welfare and the Ministry of Natural Resources and "
            "Environment co-hosted the event.",
        ],
    ),
    Post(
        slug="u-s-embassy-announces-2024-alumni-engagement-innovation-fund-winners",
        title="U.S. Embassy Announces 2024 Alumni Engagement Innovation Fund Winners",
        published="2024-08-15T04:51:30", modified="2024-08-16T01:38:02",
        categories=["Grants", "Education & Culture"], tags=["Alumni", "Grants"],
        body=[
            "The U.S. Embassy is pleased to announce that three teams of Lao alumni of U.S. government exchange "
            "programs have won awards from the 2024 Alumni Engagement Innovation Fund (AEIF).",
            "AEIF provides alumni with funding to carry out public service projects that address challenges in "
            "their communities. This year&#8217;s winning projects are:",
            ("ul", [
                "<strong>Safe Online:</strong> workshops that teach secondary school students to protect their "
                "personal information and recognize online scams.",
                "<strong>Green Markets:</strong> a campaign to reduce single-use plastic in fresh markets in "
                "Vientiane.",
                "<strong>Reading Boats:</strong> mobile libraries that bring books to riverside villages in "
                "Bolikhamxay Province.",
            ]),
            "Each team will receive up to $25,000 and will carry out its project over the next year with guidance "
            "from the Embassy&#8217;s alumni coordinator.",
        ],
    ),
    # Lao-language section (/lo/...)
    Post(
        slug="us-donates-medical-equipment-luang-prabang-hospital",
        title="ສະຫະລັດອາເມລິກາ ມອບອຸປະກອນການແພດ ໃຫ້ໂຮງໝໍແຂວງຫຼວງພະບາງ",
        published="2022-09-14T04:10:25", modified="2022-09-15T02:30:00",
        categories=["ຂ່າວສານ"], lang="lo", suffix=LAO_SUFFIX,
        body=[
            "ໃນວັນທີ 14 ກັນຍາ 2022, ສະຖານທູດສະຫະລັດອາເມລິກາ ໄດ້ມອບອຸປະກອນການແພດ ມູນຄ່າ 250,000 ໂດລາສະຫະລັດ "
            "ໃຫ້ແກ່ໂຮງໝໍແຂວງຫຼວງພະບາງ.",
            "ອຸປະກອນດັ່ງກ່າວ ປະກອບມີ ເຄື່ອງຊ່ວຍຫາຍໃຈ, ຕຽງຄົນເຈັບ ແລະ ເຄື່ອງວັດແທກອົກຊີເຈນ ເຊິ່ງຈະຊ່ວຍໃຫ້ທ່ານໝໍ ແລະ "
            "ພະຍາບານ ສາມາດໃຫ້ການປິ່ນປົວແກ່ປະຊາຊົນໄດ້ດີຂຶ້ນ.",
            "ການມອບຄັ້ງນີ້ ແມ່ນສ່ວນໜຶ່ງຂອງການຮ່ວມມືດ້ານສາທາລະນະສຸກ ລະຫວ່າງ ສະຫະລັດອາເມລິກາ ແລະ ສປປ ລາວ "
            "ທີ່ໄດ້ດໍາເນີນມາເປັນເວລາຫຼາຍກວ່າ 25 ປີ.",
        ],
    ),
    Post(
        slug="fulbright-scholarship-applications-open",
        title="ສະຖານທູດສະຫະລັດ ເປີດຮັບສະໝັກທຶນການສຶກສາ ຟູນໄບຣ",
        published="2023-09-13T03:05:41", modified="2023-09-13T03:05:41",
        categories=["ຂ່າວສານ"], lang="lo", suffix=SUFFIX,
        body=[
            "ສະຖານທູດສະຫະລັດອາເມລິກາ ປະຈໍາ ສປປ ລາວ ມີຄວາມຍິນດີ ປະກາດເປີດຮັບສະໝັກທຶນການສຶກສາ ຟູນໄບຣ (Fulbright) "
            "ສໍາລັບນັກສຶກສາລາວ ທີ່ຕ້ອງການຮຽນຕໍ່ປະລິນຍາໂທ ຢູ່ສະຫະລັດອາເມລິກາ.",
            "ຜູ້ສະໝັກຕ້ອງມີສັນຊາດລາວ, ຮຽນຈົບປະລິນຍາຕີ ແລະ ມີຄວາມສາມາດດ້ານພາສາອັງກິດດີ. ທຶນນີ້ ຈະຊ່ວຍຄ່າຮຽນ, "
            "ຄ່າເດີນທາງ ແລະ ຄ່າຄອງຊີບ ຕະຫຼອດໄລຍະການສຶກສາ.",
            "ກໍານົດເວລາຍື່ນໃບສະໝັກ ແມ່ນວັນທີ 31 ຕຸລາ 2023. ສໍາລັບຂໍ້ມູນເພີ່ມເຕີມ, ກະລຸນາຕິດຕໍ່ ພະແນກວຽກງານສາທາລະນະ "
            "ຂອງສະຖານທູດ.",
        ],
    ),
]

PAGES: list[Page] = [
    Page("/u-s-citizen-services/", "U.S. Citizen Services", 21, "2023-02-08T03:11:00", [
        "The American Citizen Services Unit of the U.S. Embassy in Vientiane helps U.S. citizens who live in or "
        "travel to Laos. Services include passports, reports of birth abroad, notarial services, and help in "
        "emergencies.",
        "Routine services are provided by appointment only. Please schedule an appointment online before coming to "
        "the Embassy, and bring your passport and any documents required for your service.",
        ("h2", "Our services"),
        ("ul", [
            "<a href=\"https://la.usembassy.gov/u-s-citizen-services/passports/\">Passports</a>",
            "<a href=\"https://la.usembassy.gov/u-s-citizen-services/emergency-assistance/\">Emergency assistance</a>",
            "Reports of birth abroad",
            "Notarial services",
        ]),
    ]),
    Page("/u-s-citizen-services/passports/", "Passports", 23, "2022-11-15T02:40:00", [
        "U.S. citizens in Laos may apply for a first passport or renew an expired passport at the Embassy. Adult "
        "renewals can usually be completed by mail or drop-off; all other applications require an in-person "
        "appointment.",
        "Passports are printed in the United States and normally arrive at the Embassy within three weeks. "
        "Emergency passports are available for urgent travel.",
    ], parent=("U.S. Citizen Services", "/u-s-citizen-services/")),
    Page("/u-s-citizen-services/emergency-assistance/", "Emergency Assistance", 25, "2023-06-01T04:00:00", [
        "If you are a U.S. citizen with an emergency in Laos, call the Embassy at +856 21-48-7000 at any time. "
        "After hours, ask for the duty officer.",
        "The Embassy can help in cases of arrest, serious illness or injury, death of a U.S. citizen, and crime. "
        "We cannot act as your lawyer or pay your bills, but we can provide lists of local doctors and attorneys.",
    ], parent=("U.S. Citizen Services", "/u-s-citizen-services/")),
    Page("/visas/", "Visas", 27, "2024-02-20T05:22:00", [
        "The U.S. Embassy in Vientiane processes nonimmigrant visa applications for travel to the United States "
        "for tourism, business, study, and exchange programs, and certain immigrant visa cases.",
        "Most applicants must complete the online application form, pay the application fee, and attend an "
        "interview at the Embassy. Please read the instructions carefully before you apply.",
        ("ul", [
            "<a href=\"https://la.usembassy.gov/visas/nonimmigrant-visas/\">Nonimmigrant visas</a>",
            "Immigrant visas",
            "Visa fees and appointment scheduling",
        ]),
    ]),
    Page("/visas/nonimmigrant-visas/", "Nonimmigrant Visas", 29, "2024-02-20T05:30:00", [
        "A nonimmigrant visa is for people who wish to travel to the United States for a limited time, for example "
        "as tourists, business visitors, students, or exchange visitors.",
        "Applicants should apply well before their planned travel date, as appointment wait times vary during the "
        "year.",
    ], parent=("Visas", "/visas/")),
    Page("/embassy/", "Embassy", 31, "2023-09-05T03:00:00", [
        "The United States and Laos established diplomatic relations in 1950. The Embassy in Vientiane works to "
        "strengthen the partnership between our two countries in areas such as health, education, trade, and "
        "the legacy of the war.",
        "The Embassy is located on Thadeua Road, Km 9, in Hadsayfong District, Vientiane.",
        ("ul", [
            "<a href=\"https://la.usembassy.gov/embassy/ambassador/\">The Ambassador</a>",
            "Sections and offices",
            "Job opportunities",
        ]),
    ]),
    Page("/embassy/ambassador/", "Ambassador", 33, "2023-09-05T03:10:00", [
        "The Ambassador is the personal representative of the President of the United States to the Lao People's "
        "Democratic Republic and leads all U.S. government agencies working in Laos.",
        "The Ambassador oversees programs in health, education, humanitarian mine action, trade, and law "
        "enforcement cooperation, and meets regularly with Lao leaders and citizens.",
    ], parent=("Embassy", "/embassy/")),
    Page("/business/", "Business", 35, "2022-08-10T03:00:00", [
        "The Embassy's Economic and Commercial Section helps U.S. companies learn about business opportunities in "
        "Laos and supports Lao businesses that want to trade with the United States.",
        "Companies can request market information, meetings with local partners, and advice on trade rules.",
    ]),
    Page("/education-culture/", "Education &amp; Culture", 37, "2023-05-24T05:00:00", [
        "The Public Affairs Section manages exchange programs, scholarships, and cultural activities that connect "
        "the people of Laos and the United States.",
        "Programs include Fulbright, YSEALI, the English Access Microscholarship Program, and the Ambassador's "
        "Fund for Cultural Preservation.",
    ]),
    Page("/contact/", "Contact", 39, "2024-01-10T02:00:00", [
        "U.S. Embassy Vientiane, Thadeua Road, Km 9, Ban Somvang Tai, Hadsayfong District, Vientiane, Lao PDR.",
        "Telephone: +856 21-48-7000. The Embassy is open Monday to Friday, 8:00 a.m. to 5:00 p.m., and closed on "
        "U.S. and Lao holidays.",
        "For visa questions, please read the information on our visa pages before contacting us.",
    ]),
    Page("/privacy-policy/", "Privacy Policy", 41, "2021-05-04T02:00:00", [
        "This website does not collect personal information about you unless you choose to provide it, for "
        "example by sending us an email.",
        "We use anonymous statistics about visits to improve the site. These statistics do not identify "
        "individual visitors.",
    ]),
]

NAV: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("Home", "/", []),
    ("U.S. Citizen Services", "/u-s-citizen-services/", [
        ("Passports", "/u-s-citizen-services/passports/"),
        ("Emergency Assistance", "/u-s-citizen-services/emergency-assistance/"),
    ]),
    ("Visas", "/visas/", [("Nonimmigrant Visas", "/visas/nonimmigrant-visas/")]),
    ("Embassy", "/embassy/", [("Ambassador", "/embassy/ambassador/"), ("Contact", "/contact/")]),
    ("Business", "/business/", []),
    ("Education &amp; Culture", "/education-culture/", []),
    ("News &amp; Events", "/news-events/", [
        ("Press Releases", "/category/press-releases/"),
        ("Speeches", "/category/speeches/"),
        ("Grants", "/category/grants/"),
        ("Fact Sheets", "/category/fact-sheets/"),
        ("ພາສາລາວ", "/lo/"),
    ]),
    ("Alerts", "/category/alert/", []),
]
LAO_NAV_LABELS = {
    "Home": "ໜ້າຫຼັກ", "U.S. Citizen Services": "ບໍລິການພົນລະເມືອງສະຫະລັດ", "Visas": "ວີຊາ",
    "Embassy": "ສະຖານທູດ", "Business": "ທຸລະກິດ", "Education &amp; Culture": "ການສຶກສາ ແລະ ວັດທະນະທໍາ",
    "News &amp; Events": "ຂ່າວ ແລະ ເຫດການ", "Alerts": "ແຈ້ງເຕືອນ",
}


# ----------------------------------------------------------------------------------------------------------------
# Text helpers
# ----------------------------------------------------------------------------------------------------------------

def plain(fragment: str) -> str:
    """Plain text of an HTML fragment: tags removed, entities decoded, whitespace collapsed, NFC."""
    text = html.unescape(re.sub(r"<[^>]+>", "", fragment))
    return unicodedata.normalize("NFC", " ".join(text.split()))


def wp_html(text: str) -> str:
    """A plain title in WordPress's texturized HTML form (&#8217;, &#8211;, &amp;)."""
    out = html.escape(text, quote=False)
    for char, ent in (("’", "&#8217;"), ("‘", "&#8216;"), ("–", "&#8211;"), ("“", "&#8220;"), ("”", "&#8221;")):
        out = out.replace(char, ent)
    return out


def attr(text: str) -> str:
    """Escape for a double-quoted attribute."""
    return html.escape(text, quote=True)


def iso(dt: datetime) -> str:
    return dt.isoformat()


def parse(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp).replace(tzinfo=UTC)


def long_date(dt: datetime, lang: str = "en") -> str:
    """Date as shown in post meta: '17 March, 2023'."""
    months = LAO_MONTHS if lang == "lo" else MONTHS
    return f"{dt.day} {months[dt.month - 1]}, {dt.year}"


def list_date(dt: datetime) -> str:
    """Date as shown in listings: 'March 17, 2023'."""
    return f"{MONTHS[dt.month - 1]} {dt.day}, {dt.year}"


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def category_url(name: str) -> str:
    prefix = "/lo" if name in LAO_CATEGORIES else ""
    return f"{BASE}{prefix}/category/{CATEGORIES[name]}/"


def tag_url(name: str) -> str:
    return f"{BASE}/tag/{slugify(name)}/"


def render_blocks(blocks: list[Block]) -> str:
    out: list[str] = []
    for block in blocks:
        if isinstance(block, str):
            out.append(f"<p>{block}</p>")
        elif block[0] == "h2":
            out.append(f"<h2 class=\"wp-block-heading\">{block[1]}</h2>")
        elif block[0] == "ul":
            items = "\n".join(f"<li>{item}</li>" for item in block[1])
            out.append(f"<ul>\n{items}\n</ul>")
        else:
            raise ValueError(block)
    return "\n".join(out)


def block_texts(blocks: list[Block]) -> list[str]:
    """The expected body paragraphs: each <p>, <h2> and <li> as its own entry."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, str):
            out.append(plain(block))
        elif block[0] == "h2":
            out.append(plain(block[1]))
        else:
            out.extend(plain(item) for item in block[1])
    return out


def is_label_paragraph(block: Block) -> bool:
    return isinstance(block, str) and (block.startswith("<strong>") or block.startswith("<em>"))


def description(post: Post) -> str:
    if post.description:
        return post.description
    for block in post.body:
        if isinstance(block, str) and not is_label_paragraph(block):
            return truncate_words(plain(block), 40, "…")
    raise ValueError(post.slug)


def truncate_words(text: str, n: int, more: str) -> str:
    words = text.split()
    return text if len(words) <= n else " ".join(words[:n]) + more


def excerpt(post: Post) -> str:
    """WordPress's automatic excerpt: the first 55 words of the content, as HTML-safe text."""
    text = " ".join(block_texts(post.body))
    words = text.split()
    return html.escape(" ".join(words[:55]), quote=False) + ("&hellip;" if len(words) > 55 else "")


# ----------------------------------------------------------------------------------------------------------------
# Page chrome
# ----------------------------------------------------------------------------------------------------------------

def head(*, title_full: str, canonical: str, og_type: str, desc: str | None, lang: str = "en",
         published: datetime | None = None, modified: datetime | None = None, image: str | None = None,
         schema: dict | None = None, prev_url: str | None = None, next_url: str | None = None) -> str:
    locale = "lo_LA" if lang == "lo" else "en_US"
    lines = [
        "<!DOCTYPE html>",
        f"<html lang=\"{'lo-LA' if lang == 'lo' else 'en-US'}\">",
        "<head>",
        "<meta charset=\"UTF-8\">",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
        "<link rel=\"profile\" href=\"https://gmpg.org/xfn/11\">",
        "",
        "<!-- This site is optimized with the Yoast SEO plugin v21.9.1 - https://yoast.com/wordpress/plugins/seo/ -->",
        f"<title>{wp_html(title_full)}</title>",
    ]
    if desc:
        lines.append(f"<meta name=\"description\" content=\"{attr(desc)}\" />")
    lines += [
        "<meta name=\"robots\" content=\"index, follow, max-snippet:-1, max-image-preview:large, "
        "max-video-preview:-1\" />",
        f"<link rel=\"canonical\" href=\"{canonical}\" />",
    ]
    if prev_url:
        lines.append(f"<link rel=\"prev\" href=\"{prev_url}\" />")
    if next_url:
        lines.append(f"<link rel=\"next\" href=\"{next_url}\" />")
    lines += [
        f"<meta property=\"og:locale\" content=\"{locale}\" />",
        f"<meta property=\"og:type\" content=\"{og_type}\" />",
        f"<meta property=\"og:title\" content=\"{attr(title_full)}\" />",
    ]
    if desc:
        lines.append(f"<meta property=\"og:description\" content=\"{attr(desc)}\" />")
    lines += [
        f"<meta property=\"og:url\" content=\"{canonical}\" />",
        f"<meta property=\"og:site_name\" content=\"{SITE_NAME}\" />",
    ]
    if og_type == "article":
        lines.append("<meta property=\"article:publisher\" content=\"https://www.facebook.com/usembassyvientiane\" />")
    if published:
        lines.append(f"<meta property=\"article:published_time\" content=\"{iso(published)}\" />")
    if modified:
        lines.append(f"<meta property=\"article:modified_time\" content=\"{iso(modified)}\" />")
    if image:
        lines += [
            f"<meta property=\"og:image\" content=\"{image}\" />",
            "<meta property=\"og:image:width\" content=\"1024\" />",
            "<meta property=\"og:image:height\" content=\"683\" />",
            "<meta property=\"og:image:type\" content=\"image/jpeg\" />",
        ]
    lines += [
        "<meta name=\"twitter:card\" content=\"summary_large_image\" />",
        "<meta name=\"twitter:site\" content=\"@USEmbassyLaos\" />",
    ]
    if og_type == "article":
        lines += [
            "<meta name=\"twitter:label1\" content=\"Written by\" />",
            f"<meta name=\"twitter:data1\" content=\"{AUTHOR}\" />",
        ]
    if schema is not None:
        payload = json.dumps(schema, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
        lines.append(f"<script type=\"application/ld+json\" class=\"yoast-schema-graph\">{payload}</script>")
    lines += [
        "<!-- / Yoast SEO plugin. -->",
        "",
        "<link rel='dns-prefetch' href='//static.addtoany.com' />",
        "<link rel='dns-prefetch' href='//www.googletagmanager.com' />",
        "<link rel='dns-prefetch' href='//fonts.googleapis.com' />",
        f"<link rel=\"alternate\" type=\"application/rss+xml\" title=\"{SITE_NAME} &raquo; Feed\" "
        f"href=\"{BASE}/feed/\" />",
        f"<link rel='stylesheet' id='wp-block-library-css' href='{BASE}/wp-includes/css/dist/block-library/"
        "style.min.css?ver=6.4.3' type='text/css' media='all' />",
        f"<link rel='stylesheet' id='classic-theme-styles-css' href='{BASE}/wp-includes/css/classic-themes.min.css"
        "?ver=6.4.3' type='text/css' media='all' />",
        f"<link rel='stylesheet' id='addtoany-css' href='{BASE}/wp-content/plugins/add-to-any/addtoany.min.css"
        "?ver=1.16' type='text/css' media='all' />",
        "<link rel='stylesheet' id='cms3-fonts-css' href='https://fonts.googleapis.com/css?family=Source+Sans+Pro"
        "%3A400%2C400i%2C600%2C700%7CMerriweather%3A400%2C700&#038;subset=latin%2Clatin-ext' type='text/css' "
        "media='all' />",
        f"<link rel='stylesheet' id='cms3-style-css' href='{THEME}/style.css?ver=3.8.2' type='text/css' "
        "media='all' />",
        f"<link rel='stylesheet' id='cms3-print-css' href='{THEME}/assets/css/print.css?ver=3.8.2' type='text/css' "
        "media='print' />",
        f"<script type=\"text/javascript\" src=\"{BASE}/wp-includes/js/jquery/jquery.min.js?ver=3.7.1\" "
        "id=\"jquery-core-js\"></script>",
        f"<script type=\"text/javascript\" src=\"{BASE}/wp-includes/js/jquery/jquery-migrate.min.js?ver=3.4.1\" "
        "id=\"jquery-migrate-js\"></script>",
        "<script type=\"text/javascript\" id=\"addtoany-core-js-before\">",
        "window.a2a_config=window.a2a_config||{};a2a_config.callbacks=[];a2a_config.overlays=[];"
        "a2a_config.templates={};",
        "</script>",
        "<script type=\"text/javascript\" defer src=\"https://static.addtoany.com/menu/page.js\" "
        "id=\"addtoany-core-js\"></script>",
        "<!-- Google tag (gtag.js) -->",
        "<script async src=\"https://www.googletagmanager.com/gtag/js?id=G-DEMO0LA72\"></script>",
        "<script>",
        "  window.dataLayer = window.dataLayer || [];",
        "  function gtag(){dataLayer.push(arguments);}",
        "  gtag('js', new Date());",
        "  gtag('config', 'G-DEMO0LA72', { 'anonymize_ip': true });",
        "</script>",
        f"<link rel=\"icon\" href=\"{UPLOADS}/2017/05/favicon-32x32.png\" sizes=\"32x32\" />",
        f"<link rel=\"icon\" href=\"{UPLOADS}/2017/05/favicon-192x192.png\" sizes=\"192x192\" />",
        f"<link rel=\"apple-touch-icon\" href=\"{UPLOADS}/2017/05/favicon-180x180.png\" />",
        "</head>",
    ]
    return "\n".join(lines)


def banner() -> str:
    return f"""<section class="usa-banner" aria-label="Official website of the United States government">
  <div class="usa-accordion">
    <header class="usa-banner__header">
      <div class="usa-banner__inner">
        <div class="grid-col-auto"><img aria-hidden="true" class="usa-banner__header-flag" src="{THEME}/assets/img/us_flag_small.png" alt="" /></div>
        <div class="grid-col-fill tablet:grid-col-auto" aria-hidden="true">
          <p class="usa-banner__header-text">An official website of the United States government</p>
          <p class="usa-banner__header-action">Here&#8217;s how you know</p>
        </div>
        <button type="button" class="usa-accordion__button usa-banner__button" aria-expanded="false" aria-controls="gov-banner-default"><span class="usa-banner__button-text">Here&#8217;s how you know</span></button>
      </div>
    </header>
    <div class="usa-banner__content usa-accordion__content" id="gov-banner-default" hidden>
      <div class="grid-row grid-gap-lg">
        <div class="usa-banner__guidance tablet:grid-col-6">
          <img class="usa-banner__icon usa-media-block__img" src="{THEME}/assets/img/icon-dot-gov.svg" role="img" alt="" aria-hidden="true" />
          <div class="usa-media-block__body"><p><strong>Websites ending in .gov</strong><br />belong to official organizations of the United States government.</p></div>
        </div>
        <div class="usa-banner__guidance tablet:grid-col-6">
          <img class="usa-banner__icon usa-media-block__img" src="{THEME}/assets/img/icon-https.svg" role="img" alt="" aria-hidden="true" />
          <div class="usa-media-block__body"><p><strong>Secure .gov sites use HTTPS</strong><br />A padlock or <strong>https://</strong> in the address bar shows that your connection to this site is encrypted. Share sensitive information only on official, secure websites.</p></div>
        </div>
      </div>
    </div>
  </div>
</section>"""


def masthead(lang: str, current: str) -> str:
    items: list[str] = []
    for n, (label, path, children) in enumerate(NAV):
        shown = LAO_NAV_LABELS.get(label, label) if lang == "lo" else label
        classes = ["menu-item", "menu-item-type-post_type", "menu-item-object-page", f"menu-item-{101 + n * 10}"]
        if children:
            classes.append("menu-item-has-children")
        if path == current:
            classes.append("current-menu-item")
        sub = ""
        if children:
            subs = "".join(
                f"<li id=\"menu-item-{102 + n * 10 + k}\" class=\"menu-item menu-item-type-post_type "
                f"menu-item-object-page menu-item-{102 + n * 10 + k}\"><a href=\"{BASE}{cpath}\">{clabel}</a></li>\n"
                for k, (clabel, cpath) in enumerate(children)
            )
            sub = f"\n<ul class=\"sub-menu\">\n{subs}</ul>\n"
        items.append(f"<li id=\"menu-item-{101 + n * 10}\" class=\"{' '.join(classes)}\">"
                     f"<a href=\"{BASE}{path}\">{shown}</a>{sub}</li>")
    menu = "\n".join(items)
    search_label = "ຄົ້ນຫາ" if lang == "lo" else "Search"
    return f"""<header id="masthead" class="site-header" role="banner">
  <div class="header-wrapper">
    <div class="site-branding">
      <a href="{BASE}/" rel="home" class="custom-logo-link"><img width="400" height="96" src="{UPLOADS}/2017/05/usembassy-laos-logo.png" class="custom-logo" alt="{SITE_NAME}" decoding="async" /></a>
      <p class="site-title screen-reader-text"><a href="{BASE}/" rel="home">{SITE_NAME}</a></p>
    </div><!-- .site-branding -->
    <div class="header-search">
      <form role="search" method="get" class="search-form" action="{BASE}/">
        <label><span class="screen-reader-text">{search_label}:</span>
        <input type="search" class="search-field" placeholder="{search_label} &hellip;" value="" name="s" /></label>
        <button type="submit" class="search-submit"><span class="screen-reader-text">{search_label}</span></button>
      </form>
    </div>
    <div class="language-switcher"><ul>
      <li class="lang-item lang-item-en{' current-lang' if lang == 'en' else ''}"><a lang="en-US" hreflang="en-US" href="{BASE}/">English</a></li>
      <li class="lang-item lang-item-lo{' current-lang' if lang == 'lo' else ''}"><a lang="lo-LA" hreflang="lo-LA" href="{BASE}/lo/">ພາສາລາວ</a></li>
    </ul></div>
  </div>
  <nav id="site-navigation" class="main-navigation" role="navigation" aria-label="Primary Menu">
    <button class="menu-toggle" aria-controls="primary-menu" aria-expanded="false"><span class="screen-reader-text">Menu</span></button>
    <div class="menu-primary-container"><ul id="primary-menu" class="menu">
{menu}
</ul></div>
  </nav><!-- #site-navigation -->
</header><!-- #masthead -->"""


def breadcrumbs(trail: list[tuple[str, str | None]]) -> str:
    parts = []
    for label, url in trail:
        if url:
            parts.append(f"<span property=\"itemListElement\" typeof=\"ListItem\"><a property=\"item\" "
                         f"typeof=\"WebPage\" href=\"{url}\"><span property=\"name\">{label}</span></a></span>")
        else:
            parts.append(f"<span class=\"breadcrumb_last\" aria-current=\"page\">{label}</span>")
    return "<div class=\"breadcrumbs\" typeof=\"BreadcrumbList\" vocab=\"https://schema.org/\">" + " | ".join(parts) \
        + "</div>"


def sidebar(recent: list[Post]) -> str:
    items = "\n".join(f"<li><a href=\"{p.url}\">{wp_html(p.title)}</a></li>" for p in recent)
    return f"""<aside id="secondary" class="widget-area" role="complementary">
  <section id="recent-posts-2" class="widget widget_recent_entries">
    <h2 class="widget-title">Recent Posts</h2>
    <ul>
{items}
    </ul>
  </section>
  <section id="custom_html-3" class="widget_text widget widget_custom_html"><h2 class="widget-title">Alerts</h2>
    <div class="textwidget custom-html-widget"><p>U.S. citizens in Laos can receive security and health alerts by email. <a href="https://step.state.gov/">Enroll in STEP</a> or read <a href="{BASE}/category/alert/">recent alerts</a>.</p></div>
  </section>
  <section id="social-links-2" class="widget social-links"><h2 class="widget-title">Follow us:</h2>
    <ul class="social-links-list">
      <li><a class="social-facebook" href="https://www.facebook.com/usembassyvientiane" target="_blank" rel="noopener">Facebook</a></li>
      <li><a class="social-x" href="https://x.com/USEmbassyLaos" target="_blank" rel="noopener">X</a></li>
      <li><a class="social-youtube" href="https://www.youtube.com/user/usembassyvientiane" target="_blank" rel="noopener">YouTube</a></li>
      <li><a class="social-instagram" href="https://www.instagram.com/usembassylaos/" target="_blank" rel="noopener">Instagram</a></li>
    </ul>
  </section>
</aside><!-- #secondary -->"""


def footer() -> str:
    return f"""<footer id="colophon" class="site-footer" role="contentinfo">
  <div class="footer-top">
    <div class="footer-widgets">
      <section class="widget widget_nav_menu"><h2 class="widget-title">Embassy</h2>
        <ul class="menu">
          <li><a href="{BASE}/embassy/">About the Embassy</a></li>
          <li><a href="{BASE}/embassy/ambassador/">The Ambassador</a></li>
          <li><a href="{BASE}/contact/">Contact Us</a></li>
        </ul>
      </section>
      <section class="widget widget_nav_menu"><h2 class="widget-title">Services</h2>
        <ul class="menu">
          <li><a href="{BASE}/u-s-citizen-services/">U.S. Citizen Services</a></li>
          <li><a href="{BASE}/visas/">Visas</a></li>
          <li><a href="{BASE}/business/">Business</a></li>
        </ul>
      </section>
      <section class="widget widget_nav_menu"><h2 class="widget-title">U.S. Government</h2>
        <ul class="menu">
          <li><a href="https://www.state.gov/" target="_blank" rel="noopener">U.S. Department of State</a></li>
          <li><a href="https://travel.state.gov/" target="_blank" rel="noopener">Travel.State.Gov</a></li>
          <li><a href="https://www.usa.gov/" target="_blank" rel="noopener">USA.gov</a></li>
        </ul>
      </section>
    </div>
  </div>
  <div class="site-info">
    <div class="footer-seal"><img src="{THEME}/assets/img/dos-seal.png" alt="U.S. Department of State seal" width="64" height="64" loading="lazy" /></div>
    <p class="footer-disclaimer">This is the official website of the U.S. Embassy in Laos. External links to other Internet sites should not be construed as an endorsement of the views or privacy policies contained therein.</p>
    <ul class="footer-links">
      <li><a href="{BASE}/privacy-policy/">Privacy Policy</a></li>
      <li><a href="{BASE}/contact/">Contact</a></li>
      <li><a href="#page" class="back-to-top">Back to top</a></li>
    </ul>
  </div><!-- .site-info -->
</footer><!-- #colophon -->
</div><!-- #page -->
<script type="text/javascript" src="{THEME}/assets/js/navigation.js?ver=3.8.2" id="cms3-navigation-js"></script>
<script type="text/javascript" src="{THEME}/assets/js/uswds-init.min.js?ver=3.8.2" id="cms3-uswds-js"></script>
<script type="text/javascript" src="{THEME}/assets/js/skip-link-focus-fix.js?ver=3.8.2" id="cms3-skip-link-focus-fix-js"></script>
</body>
</html>
"""


def page_shell(*, head_html: str, body_class: str, lang: str, current: str, crumbs: str, main: str,
               recent: list[Post]) -> str:
    skip = "ໄປຫາເນື້ອໃນ" if lang == "lo" else "Skip to content"
    return f"""{head_html}
<body class="{body_class}">
<a class="skip-link screen-reader-text" href="#content">{skip}</a>
<div id="page" class="site">
{banner()}
{masthead(lang, current)}
<div id="content" class="site-content">
{crumbs}
<div id="primary" class="content-area">
<main id="main" class="site-main" role="main">
{main}
</main><!-- #main -->
</div><!-- #primary -->
{sidebar(recent)}
</div><!-- #content -->
{footer()}"""


# ----------------------------------------------------------------------------------------------------------------
# Schema (Yoast graph)
# ----------------------------------------------------------------------------------------------------------------

def website_piece() -> dict:
    return {
        "@type": "WebSite", "@id": f"{BASE}/#website", "url": f"{BASE}/", "name": SITE_NAME,
        "description": "U.S. Embassy in Vientiane, Laos", "publisher": {"@id": f"{BASE}/#organization"},
        "potentialAction": [{"@type": "SearchAction", "target": {"@type": "EntryPoint",
                                                                  "urlTemplate": f"{BASE}/?s={{search_term_string}}"},
                             "query-input": "required name=search_term_string"}],
        "inLanguage": "en-US",
    }


def organization_piece() -> dict:
    return {
        "@type": "Organization", "@id": f"{BASE}/#organization", "name": SITE_NAME, "url": f"{BASE}/",
        "logo": {"@type": "ImageObject", "inLanguage": "en-US", "@id": f"{BASE}/#/schema/logo/image/",
                 "url": f"{UPLOADS}/2017/05/usembassy-laos-logo.png", "contentUrl":
                     f"{UPLOADS}/2017/05/usembassy-laos-logo.png", "width": 400, "height": 96,
                 "caption": SITE_NAME},
        "image": {"@id": f"{BASE}/#/schema/logo/image/"},
        "sameAs": ["https://www.facebook.com/usembassyvientiane", "https://x.com/USEmbassyLaos",
                   "https://www.youtube.com/user/usembassyvientiane", "https://www.instagram.com/usembassylaos/"],
    }


def schema_graph(*, kind: str, url: str, name: str, crumbs: list[tuple[str, str | None]], lang: str,
                 published: datetime | None = None, modified: datetime | None = None,
                 image: str | None = None, desc: str | None = None) -> dict:
    in_lang = "lo-LA" if lang == "lo" else "en-US"
    page: dict = {"@type": kind, "@id": url, "url": url, "name": name, "isPartOf": {"@id": f"{BASE}/#website"}}
    if image:
        page["primaryImageOfPage"] = {"@id": f"{url}#primaryimage"}
        page["image"] = {"@id": f"{url}#primaryimage"}
        page["thumbnailUrl"] = image
    if published:
        page["datePublished"] = iso(published)
    if modified:
        page["dateModified"] = iso(modified)
    if desc:
        page["description"] = desc
    page["breadcrumb"] = {"@id": f"{url}#breadcrumb"}
    page["inLanguage"] = in_lang
    page["potentialAction"] = [{"@type": "ReadAction", "target": [url]}]
    items = []
    for pos, (label, item_url) in enumerate(crumbs, start=1):
        entry: dict = {"@type": "ListItem", "position": pos, "name": html.unescape(label)}
        if item_url:
            entry["item"] = item_url
        items.append(entry)
    graph: list[dict] = [page]
    if image:
        graph.append({"@type": "ImageObject", "inLanguage": in_lang, "@id": f"{url}#primaryimage", "url": image,
                      "contentUrl": image, "width": 1024, "height": 683})
    graph += [{"@type": "BreadcrumbList", "@id": f"{url}#breadcrumb", "itemListElement": items},
              website_piece(), organization_piece()]
    return {"@context": "https://schema.org", "@graph": graph}


# ----------------------------------------------------------------------------------------------------------------
# Renderers
# ----------------------------------------------------------------------------------------------------------------

def share_block(post: Post) -> str:
    if post.share == "addthis":
        return (f"<!-- AddThis Share Buttons below via filter on the_content -->\n"
                f"<div class=\"addthis_inline_share_toolbox\" data-url=\"{post.url}\" "
                f"data-title=\"{attr(post.title + post.suffix)}\"></div>\n"
                f"<!-- AddThis Share Buttons generic via filter on the_content -->")
    link = quote(post.url, safe="")
    name = quote(post.title)
    buttons = "".join(
        f"<a class=\"a2a_button_{svc}\" href=\"https://www.addtoany.com/add_to/{svc}?linkurl={link}&amp;"
        f"linkname={name}\" title=\"{label}\" rel=\"nofollow noopener\" target=\"_blank\">{label}</a>"
        for svc, label in (("facebook", "Facebook"), ("twitter", "Twitter"), ("linkedin", "LinkedIn"),
                           ("email", "Email"))
    )
    return (f"<div class=\"addtoany_share_save_container addtoany_content addtoany_content_bottom\">"
            f"<div class=\"addtoany_header\">Share:</div><div class=\"a2a_kit a2a_kit_size_32 addtoany_list\" "
            f"data-a2a-url=\"{post.url}\" data-a2a-title=\"{attr(post.title)}\">{buttons}"
            f"<a class=\"a2a_dd addtoany_share_save addtoany_share\" href=\"https://www.addtoany.com/share\">"
            f"Share</a></div></div>")


def render_post(post: Post, prev_post: Post | None, next_post: Post | None, related: list[Post],
                recent: list[Post]) -> str:
    desc = description(post)
    full = post.title + post.suffix
    news_label = "ຂ່າວ ແລະ ເຫດການ" if post.lang == "lo" else "News &amp; Events"
    home_label = "ໜ້າຫຼັກ" if post.lang == "lo" else "Home"
    news_url = f"{BASE}/lo/" if post.lang == "lo" else f"{BASE}/news-events/"
    home_url = f"{BASE}/lo/" if post.lang == "lo" else f"{BASE}/"
    trail: list[tuple[str, str | None]] = [(home_label, home_url), (news_label, news_url), (wp_html(post.title), None)]
    schema = None
    if post.json_ld:
        schema = schema_graph(kind="WebPage", url=post.url, name=full, lang=post.lang, published=post.pub_dt,
                              modified=post.mod_dt, image=post.image_url,
                              crumbs=[(home_label, home_url), (news_label, news_url), (post.title, None)])
    head_html = head(title_full=full, canonical=post.url, og_type="article", desc=desc, lang=post.lang,
                     published=post.pub_dt, modified=post.mod_dt, image=post.image_url, schema=schema)
    cat_classes = " ".join(f"category-{CATEGORIES[c]}" for c in post.categories)
    tag_classes = "".join(f" tag-{slugify(t)}" for t in post.tags)
    thumb = " has-post-thumbnail" if post.figure else ""
    topics_label = "ຫົວຂໍ້" if post.lang == "lo" else "Topics"
    topics = ", ".join(f"<a href=\"{category_url(c)}\" rel=\"category tag\">{html.escape(c, quote=False)}</a>"
                       for c in post.categories)
    figure = ""
    if post.figure:
        fig = post.figure
        figure = (f"<figure class=\"wp-block-image size-large\"><img decoding=\"async\" width=\"1024\" height=\"683\" "
                  f"src=\"{post.image_url}\" alt=\"{attr(fig.alt)}\" class=\"wp-image-{post.post_id - 1}\" "
                  f"srcset=\"{post.image_url} 1024w, {post.image_url.replace('-1024x683', '-300x200')} 300w\" "
                  f"sizes=\"(max-width: 1024px) 100vw, 1024px\" />"
                  f"<figcaption class=\"wp-element-caption\">{wp_html(fig.caption)}</figcaption></figure>\n")
    tags_html = ""
    if post.tags:
        tags_html = ("<span class=\"tags-links\">Tags: " + ", ".join(
            f"<a href=\"{tag_url(t)}\" rel=\"tag\">{html.escape(t, quote=False)}</a>" for t in post.tags) + "</span>")
    nav_links = ""
    if prev_post:
        nav_links += (f"<div class=\"nav-previous\"><a href=\"{prev_post.url}\" rel=\"prev\">"
                      f"<span class=\"meta-nav\" aria-hidden=\"true\">&larr;</span> {wp_html(prev_post.title)}</a></div>")
    if next_post:
        nav_links += (f"<div class=\"nav-next\"><a href=\"{next_post.url}\" rel=\"next\">{wp_html(next_post.title)} "
                      f"<span class=\"meta-nav\" aria-hidden=\"true\">&rarr;</span></a></div>")
    related_items = "\n".join(
        f"<li><a href=\"{r.url}\">{wp_html(r.title)}</a> <span class=\"related-date\">{list_date(r.pub_dt)}</span> "
        f"<a class=\"more-link\" href=\"{r.url}\">Read More &raquo;</a></li>" for r in related)
    main = f"""<article id="post-{post.post_id}" class="post-{post.post_id} post type-post status-publish format-standard{thumb} hentry {cat_classes}{tag_classes}">
<header class="entry-header">
<h1 class="entry-title">{wp_html(post.title)}</h1>
<div class="entry-meta">
<p class="mo-meta">By {AUTHOR} | <span class="posted-on"><time class="entry-date published" datetime="{iso(post.pub_dt)}">{long_date(post.pub_dt, post.lang)}</time><time class="updated" datetime="{iso(post.mod_dt)}" hidden>{long_date(post.mod_dt, post.lang)}</time></span> | {topics_label}: {topics}</p>
</div><!-- .entry-meta -->
</header><!-- .entry-header -->
<div class="entry-content">
{figure}{render_blocks(post.body)}
{share_block(post)}
</div><!-- .entry-content -->
<footer class="entry-footer">{tags_html}</footer><!-- .entry-footer -->
</article><!-- #post-{post.post_id} -->
<nav class="navigation post-navigation" aria-label="Posts">
<h2 class="screen-reader-text">Post navigation</h2>
<div class="nav-links">{nav_links}</div>
</nav>
<section class="related-posts">
<h3>Related Articles</h3>
<ul>
{related_items}
</ul>
</section>"""
    body_class = (f"post-template-default single single-post postid-{post.post_id} single-format-standard"
                  + (" lang-lo" if post.lang == "lo" else ""))
    return page_shell(head_html=head_html, body_class=body_class, lang=post.lang, current="/news-events/",
                      crumbs=breadcrumbs(trail), main=main, recent=recent)


def render_page(page: Page, recent: list[Post]) -> str:
    url = BASE + page.path
    full = html.unescape(page.title) + SUFFIX
    desc = truncate_words(plain(next(b for b in page.body if isinstance(b, str))), 30, "…")
    trail: list[tuple[str, str | None]] = [("Home", f"{BASE}/")]
    if page.parent:
        trail.append((page.parent[0], BASE + page.parent[1]))
    trail.append((page.title, None))
    schema = schema_graph(kind="WebPage", url=url, name=full, lang="en", modified=parse(page.modified),
                          crumbs=trail, desc=desc)
    head_html = head(title_full=full, canonical=url, og_type="website", desc=desc,
                     modified=parse(page.modified), schema=schema)
    main = f"""<article id="post-{page.page_id}" class="post-{page.page_id} page type-page status-publish hentry">
<header class="entry-header">
<h1 class="entry-title">{page.title}</h1>
</header><!-- .entry-header -->
<div class="mo-page-content">
{render_blocks(page.body)}
</div><!-- .mo-page-content -->
</article><!-- #post-{page.page_id} -->"""
    top = "/" + page.path.strip("/").split("/")[0] + "/"
    return page_shell(head_html=head_html, body_class=f"page-template-default page page-id-{page.page_id}",
                      lang="en", current=top, crumbs=breadcrumbs(trail), main=main, recent=recent)


def listing_entry(post: Post, date_first: bool) -> str:
    cat_classes = " ".join(f"category-{CATEGORIES[c]}" for c in post.categories)
    date_h2 = f"<h2 class=\"entry-date\">{list_date(post.pub_dt)}</h2>"
    title_h2 = f"<h2 class=\"entry-title\"><a href=\"{post.url}\" rel=\"bookmark\">{wp_html(post.title)}</a></h2>"
    if date_first:
        header = f"{date_h2}\n{title_h2}"
    else:
        header = (f"{title_h2}\n<div class=\"entry-meta\"><p class=\"mo-meta\"><span class=\"posted-on\">"
                  f"<time class=\"entry-date published\" datetime=\"{iso(post.pub_dt)}\">{list_date(post.pub_dt)}"
                  f"</time></span></p></div>")
    return f"""<article id="post-{post.post_id}" class="post-{post.post_id} post type-post status-publish format-standard hentry {cat_classes}">
<header class="entry-header">
{header}
</header>
<div class="entry-summary"><p>{excerpt(post)}</p>
<p><a class="more-link" href="{post.url}">Read More &raquo;</a></p>
</div>
</article>"""


def page_url(base_path: str, n: int) -> str:
    return f"{BASE}{base_path}" if n == 1 else f"{BASE}{base_path}page/{n}/"


def render_listing(*, base_path: str, heading: str, posts: list[Post], n: int, pages: int, body_class: str,
                   date_first: bool, lang: str, recent: list[Post]) -> str:
    url = page_url(base_path, n)
    prev_url = page_url(base_path, n - 1) if n > 1 else None
    next_url = page_url(base_path, n + 1) if n < pages else None
    plain_heading = html.unescape(heading)
    full = plain_heading + (f" - Page {n} of {pages}" if n > 1 else "") + SUFFIX
    trail: list[tuple[str, str | None]] = [("Home", f"{BASE}/")]
    trail.append((heading, None) if n == 1 else (heading, f"{BASE}{base_path}"))
    if n > 1:
        trail.append((f"Page {n}", None))
    schema = schema_graph(kind="CollectionPage", url=url, name=full, lang=lang, crumbs=trail)
    head_html = head(title_full=full, canonical=url, og_type="website", desc=None, lang=lang, schema=schema,
                     prev_url=prev_url, next_url=next_url)
    entries = "\n".join(listing_entry(p, date_first) for p in posts)
    pagination = ""
    if pages > 1:
        links = []
        if prev_url:
            links.append(f"<a class=\"prev page-numbers\" href=\"{prev_url}\">&laquo; Previous</a>")
        for k in range(1, pages + 1):
            if k == n:
                links.append(f"<span aria-current=\"page\" class=\"page-numbers current\">{k}</span>")
            else:
                links.append(f"<a class=\"page-numbers\" href=\"{page_url(base_path, k)}\">{k}</a>")
        if next_url:
            links.append(f"<a class=\"next page-numbers\" href=\"{next_url}\">Next &raquo;</a>")
        pagination = ("<nav class=\"navigation pagination\" aria-label=\"Posts\">\n<h2 class=\"screen-reader-text\">"
                      "Posts navigation</h2>\n<div class=\"nav-links\">" + "\n".join(links) + "</div>\n</nav>")
    main = f"""<header class="page-header">
<h1 class="page-title">{heading}</h1>
</header><!-- .page-header -->
{entries}
{pagination}"""
    return page_shell(head_html=head_html, body_class=body_class, lang=lang, current=base_path,
                      crumbs=breadcrumbs(trail), main=main, recent=recent)


def render_home(latest: list[Post], alert: Post, recent: list[Post]) -> str:
    url = f"{BASE}/"
    desc = "Official website of the U.S. Embassy in Vientiane, Laos: news, alerts, visas and services for U.S. citizens."
    schema = schema_graph(kind="WebPage", url=url, name=SITE_NAME, lang="en", crumbs=[("Home", None)],
                          modified=parse("2024-08-16T01:40:00"), desc=desc)
    head_html = head(title_full=SITE_NAME, canonical=url, og_type="website", desc=desc, schema=schema,
                     modified=parse("2024-08-16T01:40:00"))
    teasers = "\n".join(
        f"""<article class="post-{p.post_id} post type-post status-publish hentry teaser">
<h3 class="entry-title"><a href="{p.url}">{wp_html(p.title)}</a></h3>
<p class="entry-date">{list_date(p.pub_dt)}</p>
<p>{excerpt(p)}</p>
<p><a class="more-link" href="{p.url}">Read More &raquo;</a></p>
</article>""" for p in latest)
    main = f"""<section class="home-hero">
<h1 class="screen-reader-text">{SITE_NAME}</h1>
<div class="hero-caption"><p>Welcome to the website of the U.S. Embassy in Vientiane.</p></div>
</section>
<section class="home-alert"><h2>Latest Alert</h2>
<p><a href="{alert.url}">{wp_html(alert.title)}</a></p>
</section>
<section class="home-quick-links"><h2>Quick Links</h2>
<ul>
<li><a href="{BASE}/u-s-citizen-services/">U.S. Citizen Services</a></li>
<li><a href="{BASE}/visas/">Visas</a></li>
<li><a href="{BASE}/education-culture/">Study in the U.S.</a></li>
<li><a href="{BASE}/contact/">Contact the Embassy</a></li>
</ul>
</section>
<section class="home-news"><h2>News &amp; Events</h2>
{teasers}
<p class="view-all"><a href="{BASE}/news-events/">View all news &raquo;</a></p>
</section>"""
    return page_shell(head_html=head_html, body_class="home page-template page-template-template-home page page-id-2",
                      lang="en", current="/", crumbs="", main=main, recent=recent)


# ----------------------------------------------------------------------------------------------------------------
# Discovery files
# ----------------------------------------------------------------------------------------------------------------

XSL = ('<?xml-stylesheet type="text/xsl" href="//la.usembassy.gov/wp-content/plugins/wordpress-seo/css/'
       'main-sitemap.xsl"?>')
URLSET_OPEN = ('<urlset xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
               'xmlns:image="http://www.google.com/schemas/sitemap-image/1.1" '
               'xsi:schemaLocation="http://www.sitemaps.org/schemas/sitemap/0.9 '
               'http://www.sitemaps.org/schemas/sitemap/0.9/sitemap.xsd '
               'http://www.google.com/schemas/sitemap-image/1.1 '
               'http://www.google.com/schemas/sitemap-image/1.1/sitemap-image.xsd" '
               'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">')
YOAST_TAIL = "<!-- XML Sitemap generated by Yoast SEO -->"


def urlset(entries: list[tuple[str, str, str | None]]) -> str:
    """entries: (loc, lastmod, image url or None)."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>', XSL, URLSET_OPEN]
    for loc, lastmod, image in entries:
        out.append("\t<url>")
        out.append(f"\t\t<loc>{loc}</loc>")
        out.append(f"\t\t<lastmod>{lastmod}</lastmod>")
        if image:
            out.append(f"\t\t<image:image>\n\t\t\t<image:loc>{image}</image:loc>\n\t\t</image:image>")
        out.append("\t</url>")
    out.append("</urlset>")
    out.append(YOAST_TAIL)
    return "\n".join(out) + "\n"


def sitemap_index(entries: list[tuple[str, str]]) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>', XSL,
           '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for loc, lastmod in entries:
        out.append(f"\t<sitemap>\n\t\t<loc>{loc}</loc>\n\t\t<lastmod>{lastmod}</lastmod>\n\t</sitemap>")
    out.append("</sitemapindex>")
    out.append(YOAST_TAIL)
    return "\n".join(out) + "\n"


def rss(posts: list[Post]) -> str:
    build = max(p.mod_dt for p in posts)
    items = []
    for p in posts:
        cats = "\n".join(f"\t\t<category><![CDATA[{c}]]></category>" for c in dict.fromkeys(p.categories + p.tags))
        words = " ".join(block_texts(p.body)).split()
        summary = html.escape(" ".join(words[:55]), quote=False) + (" [&#8230;]" if len(words) > 55 else "")
        content = render_blocks(p.body)
        if p.figure:
            content = (f"<figure class=\"wp-block-image size-large\"><img src=\"{p.image_url}\" "
                       f"alt=\"{attr(p.figure.alt)}\" /><figcaption class=\"wp-element-caption\">"
                       f"{wp_html(p.figure.caption)}</figcaption></figure>\n" + content)
        items.append(f"""\t<item>
\t\t<title>{wp_html(p.title)}</title>
\t\t<link>{p.url}</link>
\t\t<dc:creator><![CDATA[{AUTHOR}]]></dc:creator>
\t\t<pubDate>{format_datetime(p.pub_dt)}</pubDate>
{cats}
\t\t<guid isPermaLink="false">{BASE}/?p={p.post_id}</guid>
\t\t<description><![CDATA[{summary}]]></description>
\t\t<content:encoded><![CDATA[{content}]]></content:encoded>
\t</item>""")
    body = "\n".join(items)
    return f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
\txmlns:content="http://purl.org/rss/1.0/modules/content/"
\txmlns:wfw="http://wellformedweb.org/CommentAPI/"
\txmlns:dc="http://purl.org/dc/elements/1.1/"
\txmlns:atom="http://www.w3.org/2005/Atom"
\txmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
\txmlns:slash="http://purl.org/rss/1.0/modules/slash/"
\t>

<channel>
\t<title>{SITE_NAME}</title>
\t<atom:link href="{BASE}/feed/" rel="self" type="application/rss+xml" />
\t<link>{BASE}/</link>
\t<description>U.S. Embassy in Vientiane, Laos</description>
\t<lastBuildDate>{format_datetime(build)}</lastBuildDate>
\t<language>en-US</language>
\t<sy:updatePeriod>
\thourly\t</sy:updatePeriod>
\t<sy:updateFrequency>
\t1\t</sy:updateFrequency>
\t<generator>https://wordpress.org/?v=6.4.3</generator>
{body}
\t</channel>
</rss>
"""


ROBOTS = f"""User-agent: *
Disallow: /wp-admin/
Allow: /wp-admin/admin-ajax.php

Sitemap: {BASE}/sitemap_index.xml
"""


# ----------------------------------------------------------------------------------------------------------------
# Build
# ----------------------------------------------------------------------------------------------------------------

def write(path: str, text: str, written: list[str]) -> None:
    """Write the file for URL path ``path`` (a directory path gets index.html)."""
    rel = path.lstrip("/")
    target = OUT / rel
    if path.endswith("/"):
        target = target / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8", newline="\n")
    written.append(str(target.relative_to(OUT)))


def normalise_data() -> None:
    """NFC-normalise every text (the archive stores NFC) and check the data's invariants."""
    for post in POSTS:
        post.title = unicodedata.normalize("NFC", post.title)
        post.body = [unicodedata.normalize("NFC", b) if isinstance(b, str) else
                     (b[0], unicodedata.normalize("NFC", b[1])) if isinstance(b[1], str) else
                     (b[0], [unicodedata.normalize("NFC", i) for i in b[1]]) for b in post.body]
    days = [p.published[:10] for p in POSTS]
    assert len(days) == len(set(days)), "published days must be distinct"
    slugs = [p.path for p in POSTS]
    assert len(slugs) == len(set(slugs))
    titles = [p.title for p in POSTS]
    assert len(titles) == len(set(titles))
    for p in POSTS:
        assert p.mod_dt >= p.pub_dt, p.slug
        assert 1 <= p.pub_dt.hour < 17, p.slug  # same calendar day in Vientiane (UTC+7)
        assert all(c in CATEGORIES for c in p.categories), p.slug
        texts = block_texts(p.body)
        assert len(texts) >= 3, p.slug
        if p.lang == "en":
            words = sum(len(t.split()) for t in texts)
            assert 80 <= words <= 400, (p.slug, words)


def build() -> dict:
    normalise_data()
    ordered = sorted(POSTS, key=lambda p: p.pub_dt)
    for n, post in enumerate(ordered):
        post.post_id = 18210 + n * 47  # ascending with date, as WordPress assigns them
    english = [p for p in ordered if p.lang == "en"]
    lao = [p for p in ordered if p.lang == "lo"]
    newest = list(reversed(english))
    recent = newest[:5]

    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    written: list[str] = []

    # Post pages.
    for group in (english, lao):
        for i, post in enumerate(group):
            prev_post = group[i - 1] if i > 0 else None
            next_post = group[i + 1] if i + 1 < len(group) else None
            same = [p for p in reversed(group) if p is not post and p.categories[0] == post.categories[0]]
            others = [p for p in reversed(group) if p is not post and p not in same]
            related = (same + others)[:3]
            write(post.path, render_post(post, prev_post, next_post, related, recent), written)

    # WordPress pages.
    for page in PAGES:
        write(page.path, render_page(page, recent), written)

    # Listings.
    listings: list[dict] = []

    def emit_listing(base_path: str, heading: str, posts: list[Post], body_class: str, date_first: bool,
                     kind: str, lang: str = "en") -> None:
        pages = max(1, -(-len(posts) // PER_PAGE))
        for n in range(1, pages + 1):
            chunk = posts[(n - 1) * PER_PAGE: n * PER_PAGE]
            path = base_path if n == 1 else f"{base_path}page/{n}/"
            write(path, render_listing(base_path=base_path, heading=heading, posts=chunk, n=n, pages=pages,
                                       body_class=body_class, date_first=date_first, lang=lang, recent=recent),
                  written)
            listings.append({
                "path": path, "kind": kind, "page": n, "pages": pages,
                "prev": (base_path if n == 2 else f"{base_path}page/{n - 1}/") if n > 1 else None,
                "next": f"{base_path}page/{n + 1}/" if n < pages else None,
                "date_before_title": date_first,
                "articles": [p.path for p in chunk],
            })

    emit_listing("/news-events/", "News &amp; Events", newest, "blog", False, "news")
    for name, slug in CATEGORIES.items():
        lang = "lo" if name in LAO_CATEGORIES else "en"
        group = list(reversed(lao)) if lang == "lo" else newest
        members = [p for p in group if name in p.categories]
        base_path = ("/lo" if lang == "lo" else "") + f"/category/{slug}/"
        emit_listing(base_path, html.escape(name, quote=False), members,
                     f"archive category category-{slug} category-{CATEGORY_IDS[name]}", name == "Alert",
                     "category", lang)
    for tag in sorted({t for p in english for t in p.tags}, key=slugify):
        members = [p for p in newest if tag in p.tags]
        emit_listing(f"/tag/{slugify(tag)}/", html.escape(tag, quote=False), members,
                     f"archive tag tag-{slugify(tag)}", False, "tag")
    emit_listing("/lo/", "ຂ່າວ ແລະ ເຫດການ", list(reversed(lao)), "blog lang-lo", False, "news", "lo")

    # Home page.
    latest_alert = next(p for p in newest if "Alert" in p.categories)
    write("/", render_home(newest[:6], latest_alert, recent), written)
    listings.insert(0, {"path": "/", "kind": "home", "page": 1, "pages": 1, "prev": None, "next": None,
                        "date_before_title": False, "articles": [p.path for p in newest[:6]]})

    # Sitemaps, feed, robots.
    split = 16
    first, second = ordered[:split], ordered[split:]
    post_entries_1 = [(p.url, iso(p.mod_dt), p.image_url) for p in first]
    post_entries_2 = [(p.url, iso(p.mod_dt), p.image_url) for p in second]
    post_entries_2.append((BASE + REMOVED_PATH, REMOVED_LASTMOD, None))
    write("/post-sitemap.xml", urlset(post_entries_1), written)
    write("/post-sitemap2.xml", urlset(post_entries_2), written)
    page_entries = [(f"{BASE}/", "2024-08-16T01:40:00+00:00", None)]
    page_entries += [(BASE + pg.path, iso(parse(pg.modified)), None)
                     for pg in sorted(PAGES, key=lambda pg: parse(pg.modified))]
    write("/page-sitemap.xml", urlset(page_entries), written)
    cat_entries = []
    for name in CATEGORIES:
        members = [p for p in POSTS if name in p.categories]
        cat_entries.append((category_url(name), iso(max(p.mod_dt for p in members)), None))
    write("/category-sitemap.xml", urlset(cat_entries), written)
    write("/sitemap_index.xml", sitemap_index([
        (f"{BASE}/post-sitemap.xml", max(e[1] for e in post_entries_1)),
        (f"{BASE}/post-sitemap2.xml", max(e[1] for e in post_entries_2)),
        (f"{BASE}/page-sitemap.xml", max(e[1] for e in page_entries)),
        (f"{BASE}/category-sitemap.xml", max(e[1] for e in cat_entries)),
    ]), written)
    feed_path = OUT / "feed" / "index.xml"
    feed_path.parent.mkdir(parents=True, exist_ok=True)
    feed_path.write_text(rss(newest[:PER_PAGE]), encoding="utf-8", newline="\n")
    written.append("feed/index.xml")
    write("/robots.txt", ROBOTS, written)

    assert not (OUT / "wp-sitemap.xml").exists()
    assert not (OUT / REMOVED_PATH.strip("/")).exists()

    articles = []
    for p in ordered:
        articles.append({
            "path": p.path,
            "title": p.title,
            "published_at": iso(p.pub_dt),
            "modified_at": iso(p.mod_dt),
            "section": p.categories[0],
            "categories": p.categories,
            "tags": p.tags,
            "language": p.lang,
            "has_json_ld": p.json_ld,
            "share_markup": p.share,
            "title_suffix": p.suffix,
            "image": p.image_url,
            "description": description(p),
            "paragraphs": block_texts(p.body),
        })
    return {
        "host": HOST,
        "base_url": BASE,
        "articles": articles,
        "non_articles": ["/"] + [pg.path for pg in PAGES],
        "missing": [REMOVED_PATH],
        "absent_files": ["/wp-sitemap.xml"],
        "feed": {"path": "/feed/", "items": [p.path for p in newest[:PER_PAGE]]},
        "sitemaps": {
            "index": "/sitemap_index.xml",
            "post-sitemap.xml": [p.path for p in first],
            "post-sitemap2.xml": [p.path for p in second] + [REMOVED_PATH],
        },
        "listings": listings,
        "files": sorted(written),
    }


def main() -> None:
    expected = build()
    EXPECTED.write_text(json.dumps(expected, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {len(expected['files'])} files under {OUT.relative_to(HERE.parent.parent)}; "
          f"{len(expected['articles'])} articles")


if __name__ == "__main__":
    main()
