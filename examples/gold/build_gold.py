#!/usr/bin/env python3
"""Regenerate examples/gold/links.jsonl from sentence strings.

Each gold claim is written down as its exact sentence; the script looks the
sentence up in the stored text of its document (see check_gold.py for what
"stored text" means), requires exactly one match and writes the character
offsets.  Run check_gold.py afterwards.

Usage:  python examples/gold/build_gold.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from check_gold import LINKS, stored_text  # noqa: E402

DOCS = {
    "NW0228": "2023-02-28_northwatch_bakhmut-pressure.md",
    "CW0301": "2023-03-01_compasswire_bakhmut-withdrawal-option.md",
    "EB0307": "2023-03-07_eastbank_bakhmut-encirclement-denied.txt",
    "CW0406": "2023-04-06_compasswire_zelensky-warsaw-bakhmut.md",
    "NW0407": "2023-04-07_northwatch_bakhmut-april.md",
    "CW0521": "2023-05-21_compasswire_wagner-claims-bakhmut.md",
    "NW0521": "2023-05-21_northwatch_bakhmut-capture-claim.md",
    "EB0522": "2023-05-22_eastbank_bakhmut-not-fallen.md",
    "CW0606": "2023-06-06_compasswire_bakhmut-flanks.txt",
    "EB0718": "2023-07-18_eastbank_kupyansk-pressure.md",
    "CM0811": "2023-08-11_civicmonitor_kupiansk-evacuation.md",
    "CW0818": "2023-08-18_compasswire_ukraine-briefing.md",
    "CW2401": "2024-01-06_compasswire_f16-delay-report.md",
    "NW2401": "2024-01-08_northwatch_f16-denial-kupiansk.md",
    "NW2406": "2024-06-04_northwatch_refusers-deployment.md",
    "CM2406": "2024-06-20_civicmonitor_refusers-testimony.md",
    "CM2410": "2024-10-21_civicmonitor_kupiansk-2024.md",
}

# claim id -> (document alias, exact sentence)
CLAIMS = {
    # Bakhmut: withdrawal option
    "rod_nw": (
        "NW0228",
        "Oleksandr Rodnyanskyi, an economic adviser to Ukrainian President Volodymyr Zelensky, said in an interview published on February 28 that the Ukrainian command might order a strategic pullback from Bakhmut if it judged this necessary.",
    ),
    "rod_cw": (
        "CW0301",
        "Ukraine's military may pull back from Bakhmut if needed, Oleksandr Rodnyanskyi, an adviser to President Volodymyr Zelensky, said on Tuesday.",
    ),
    "enc_nw": (
        "NW0228",
        "Northwatch assesses that Ukrainian forces are unlikely to be encircled in Bakhmut in the coming days because the main supply road to Chasiv Yar remains usable.",
    ),
    "prig_enc": (
        "EB0307",
        "Yevgeny Prigozhin, the founder of the Wagner Group, claimed in a video released on March 3 that Bakhmut was practically encircled and that only one road out of the city remained open.",
    ),
    "cher_enc": (
        "EB0307",
        "Serhiy Cherevatyi, a spokesperson for Ukraine's Eastern Group of Forces, denied that the city was encircled and said Ukrainian units still had working supply routes.",
    ),
    "zel_0306": ("EB0307", "Zelensky said on March 6 that both commanders had advised against a withdrawal and in favour of reinforcing the city."),
    "zel_warsaw_cw": (
        "CW0406",
        "Ukrainian President Volodymyr Zelensky said on Wednesday that Kyiv would take the corresponding decisions on Bakhmut if its troops there faced a risk of being encircled.",
    ),
    "zel_notenc": (
        "CW0406",
        "Zelensky added that the troops in Bakhmut had not been encircled and that commanders saw no need for a withdrawal at this point.",
    ),
    "cher_control": (
        "CW0406",
        "Serhiy Cherevatyi, spokesperson for the Eastern Group of Forces, said on Monday that Bakhmut remained under Ukrainian control despite the Wagner claim.",
    ),
    "zel_warsaw_nw": (
        "NW0407",
        "Speaking alongside Polish President Andrzej Duda in Warsaw on April 5, Ukrainian President Volodymyr Zelensky stated that Ukraine would make the appropriate decisions regarding Bakhmut if its forces there faced a risk of encirclement.",
    ),
    "prig_flag": (
        "NW0407",
        "Wagner Group financier Yevgeny Prigozhin claimed on April 2 that Wagner fighters had raised a Russian flag over the Bakhmut city administration building and that the city had been captured in a legal sense.",
    ),
    "geo_west": ("NW0407", "Geolocated footage published on April 4 indicates that Ukrainian forces still hold positions in western Bakhmut."),
    # Bakhmut: capture claims and denials
    "prig_cap_cw": (
        "CW0521",
        "Yevgeny Prigozhin, the head of the Wagner Group, claimed on Saturday that his forces had taken full control of Bakhmut after a battle lasting about 224 days.",
    ),
    "mod_cw": ("CW0521", "The Russian Defence Ministry said early on Sunday that the capture of the city, which Russia calls Artemovsk, had been completed."),
    "maliar_0520": (
        "CW0521",
        "Ukrainian Deputy Defence Minister Hanna Maliar said on Saturday that fighting in Bakhmut continued and that Ukrainian troops still held industrial and infrastructure sites in the city and part of the private housing sector.",
    ),
    "prig_cap_nw": ("NW0521", "Wagner Group financier Yevgeny Prigozhin claimed on May 20 that Wagner forces had completely captured Bakhmut."),
    "mod_nw": ("NW0521", "The Russian Ministry of Defense announced on the night of May 20 to 21 that Russian forces had completed the capture of Bakhmut."),
    "syr_nw": (
        "NW0521",
        "Colonel General Oleksandr Syrskyi, commander of the Ukrainian Ground Forces, stated on May 21 that Ukrainian forces continued to advance on the northern and southern flanks of Bakhmut.",
    ),
    "nw_assess": (
        "NW0521",
        "Northwatch assesses that Russian forces likely control nearly all of Bakhmut, though Ukrainian forces may retain small positions on the southwestern outskirts.",
    ),
    "zel_hiro": ("EB0522", "Zelensky said at a press conference in Hiroshima on Sunday that Bakhmut was not occupied by Russia as of that day."),
    "maliar_0522": (
        "EB0522",
        "Hanna Maliar, the deputy defence minister, said on Monday that Ukrainian troops still controlled a small part of Bakhmut's southwestern outskirts.",
    ),
    "syr_eb": ("EB0522", "Syrskyi said Ukrainian forces were advancing on the northern and southern flanks of the city."),
    "prig_left": ("CW0606", "Prigozhin said on 1 June that all Wagner units had left Bakhmut and handed their positions to the regular Russian army."),
    "maliar_0605": (
        "CW0606",
        "Hanna Maliar said on 5 June that Ukrainian forces had advanced in several sectors near Bakhmut, in places by more than a kilometre.",
    ),
    "bakh_captured": ("NW2401", "Russian forces captured Bakhmut in May 2023 and have since tried to push west toward Chasiv Yar."),
    # Kupiansk / Kupyansk
    "kup_occ": ("NW0228", "Russian forces seized Kupiansk, a railway hub on the Oskil River, in the last days of February 2022."),
    "kup_retake_eb": ("EB0718", "Ukrainian troops drove Russian forces out of Kupyansk last September during a rapid counteroffensive in Kharkiv region."),
    "cher_100k": (
        "EB0718",
        "Serhiy Cherevatyi, spokesperson for the Eastern Group of Forces, said on Sunday that Russia had concentrated more than 100,000 troops and some 900 tanks in the Kupyansk direction.",
    ),
    "evac_cm": (
        "CM0811",
        "On August 9, the Kupiansk city military administration ordered the mandatory evacuation of 37 settlements, affecting nearly 12,000 residents, including about 600 children.",
    ),
    "kup_retake_cm": ("CM0811", "Kupiansk, which Russian forces occupied in February 2022, was liberated by Ukrainian troops in September 2022."),
    "shell_cm": ("CM0811", "Our field team found that Russian artillery fire on Kupiansk and nearby villages had intensified sharply since late July."),
    "evac_cw": (
        "CW0818",
        "Authorities in Kupiansk last week ordered the compulsory evacuation of nearly 12,000 people from 37 settlements as Russian forces pressed toward the city.",
    ),
    "shell_cw": ("CW0818", "Regional officials said Russian shelling of the Kupiansk district had intensified in recent weeks."),
    "kup_nw_2401": (
        "NW2401",
        "Northwatch assesses that Russian forces will likely continue attempts to push toward Kupiansk and the Oskil River through the winter, seeking to set conditions for a renewed threat to the city.",
    ),
    "evac_2410": (
        "CM2410",
        "Regional authorities expanded the mandatory evacuation of Kupiansk in October as Russian troops pushed toward the Oskil River near the city.",
    ),
    "evac_2023_recall": ("CM2410", "In August 2023, the authorities ordered the evacuation of 37 settlements around the city."),
    # F-16 deliveries
    "ihnat_0817": (
        "CW0818",
        "Ukrainian Air Force spokesperson Yurii Ihnat said on Thursday that Ukraine would not be able to use F-16 fighter jets to defend its airspace this autumn and winter.",
    ),
    "ihnat_recall": (
        "CW2401",
        "Ukrainian officials had already said last August that the jets would not be ready to defend Ukrainian airspace over the winter.",
    ),
    "f16_delay": (
        "CW2401",
        "Danish media reported on Friday, citing the Danish defence ministry, that Denmark's first batch of six F-16 fighter jets for Ukraine could arrive up to six months later than planned.",
    ),
    "ihnat_refute": (
        "NW2401",
        "Ukrainian Air Force spokesperson Colonel Yurii Ihnat dismissed on January 7 reports that the first Danish F-16s would reach Ukraine as much as six months late.",
    ),
    # Forced redeployment of refusers
    "verstka_nw": (
        "NW2406",
        "The Russian independent outlet Verstka reported on June 3 that in May 2024 Russian commanders returned several hundred soldiers who had refused to fight to combat units in Donetsk Oblast and in the new northern Kharkiv Oblast sector.",
    ),
    "verstka_170": (
        "NW2406",
        "Verstka stated that the criminal cases against at least 170 of these servicemen had been dropped so that they could be deployed.",
    ),
    "verstka_cm": (
        "CM2406",
        "The investigation by Verstka, published on 3 June, said that several hundred soldiers who had refused orders to fight were returned to the front during May.",
    ),
    "relatives": (
        "CM2406",
        "Relatives of four servicemen told Frontline Civic Monitor that the men had been held at a detention site in Russia after refusing to return to combat and were then driven to positions in Kharkiv Oblast without a court hearing.",
    ),
    "lawyer": (
        "CM2406",
        'A lawyer who has represented several such servicemen told us that criminal cases for "refusal to participate in hostilities" had been closed without explanation in late May.',
    ),
    "milbl": (
        "CM2406",
        "Pro-war Russian military bloggers denied that any servicemen had been deployed against their will and described the Verstka report as fabricated.",
    ),
}

# (a, b, relation); a is the earlier claim (by publication date of its document).
LINK_SPEC = [
    # same_event: one statement or event carried by two outlets
    ("rod_nw", "rod_cw", "same_event"),
    ("zel_warsaw_cw", "zel_warsaw_nw", "same_event"),
    ("prig_cap_cw", "prig_cap_nw", "same_event"),
    ("mod_cw", "mod_nw", "same_event"),
    ("syr_nw", "syr_eb", "same_event"),
    ("kup_retake_eb", "kup_retake_cm", "same_event"),
    ("evac_cm", "evac_cw", "same_event"),
    ("evac_cm", "evac_2023_recall", "same_event"),
    ("ihnat_0817", "ihnat_recall", "same_event"),
    ("verstka_nw", "verstka_cm", "same_event"),
    # supports: independent corroboration of the same claim
    ("rod_cw", "zel_warsaw_cw", "supports"),
    ("enc_nw", "cher_enc", "supports"),
    ("cher_control", "geo_west", "supports"),
    ("prig_cap_cw", "nw_assess", "supports"),
    ("nw_assess", "maliar_0522", "supports"),
    ("syr_nw", "maliar_0605", "supports"),
    ("nw_assess", "bakh_captured", "supports"),
    ("shell_cm", "shell_cw", "supports"),
    ("verstka_nw", "relatives", "supports"),
    ("verstka_170", "lawyer", "supports"),
    # contradicts: a denial or conflicting account
    ("prig_enc", "zel_notenc", "contradicts"),
    ("cher_control", "prig_flag", "contradicts"),
    ("maliar_0520", "prig_cap_nw", "contradicts"),
    ("prig_cap_cw", "zel_hiro", "contradicts"),
    ("mod_nw", "maliar_0522", "contradicts"),
    ("f16_delay", "ihnat_refute", "contradicts"),
    ("verstka_nw", "milbl", "contradicts"),
    # updates: a later report changes the status of an earlier claim
    ("rod_cw", "zel_0306", "updates"),
    ("prig_flag", "prig_cap_cw", "updates"),
    ("zel_warsaw_nw", "prig_cap_cw", "updates"),
    ("prig_cap_cw", "prig_left", "updates"),
    ("zel_hiro", "bakh_captured", "updates"),
    ("kup_occ", "kup_retake_eb", "updates"),
    ("cher_100k", "evac_cm", "updates"),
    ("evac_cm", "evac_2410", "updates"),
]


def locate(claim_id: str, texts: dict[str, str]) -> dict:
    alias, sentence = CLAIMS[claim_id]
    doc = DOCS[alias]
    if doc not in texts:
        texts[doc] = stored_text(doc)
    text = texts[doc]
    count = text.count(sentence)
    if count != 1:
        raise SystemExit(f"{claim_id}: sentence found {count} times in {doc}")
    start = text.index(sentence)
    return {"doc": doc, "start": start, "end": start + len(sentence)}


def main() -> None:
    texts: dict[str, str] = {}
    lines = []
    for a, b, relation in LINK_SPEC:
        span_a, span_b = locate(a, texts), locate(b, texts)
        if span_a["doc"] >= span_b["doc"] and relation == "updates":
            raise SystemExit(f"updates link {a} -> {b}: a must be the earlier document")
        lines.append(json.dumps({"a": span_a, "b": span_b, "relation": relation}, ensure_ascii=False))
    LINKS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} links to {LINKS}")


if __name__ == "__main__":
    main()
