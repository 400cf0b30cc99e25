"""PROV-JSON of the decisions behind the exported claims.

Each version of a claim is an entity, each decision an activity, each actor an agent
(annotators are software agents). A version wasGeneratedBy its decision, which
wasAssociatedWith its actor and used the version before; a later version wasRevisionOf
the one before and the first is a quotation of its document. PROV-JSON has no
wasRevisionOf key: it is wasDerivedFrom with prov:type prov:Revision (PROV-DM §5.2.2).

PROV-JSON groups records by kind, so each kind is spooled to a temporary file while
the claims stream by, and the sections are joined at the end: memory stays flat.
"""

import shutil
import tempfile
from collections.abc import Iterable, Iterator
from urllib.parse import quote

from exports import dumps

SUFFIX = ".json"
NEEDS = ("history",)
SECTIONS = ("entity", "activity", "agent", "used", "wasGeneratedBy", "wasAssociatedWith", "wasDerivedFrom")


def write(claims: Iterable[dict], out, ctx) -> int:
    spools = {name: tempfile.SpooledTemporaryFile(1 << 20, mode="w+", encoding="utf-8") for name in SECTIONS}
    sizes = dict.fromkeys(SECTIONS, 0)
    agents: dict[str, str] = {}  # actor → prov type; as many as there are people and annotators
    documents: set[int] = set()
    count = 0
    try:
        for claim in claims:
            for section, key, value in claim_records(claim, agents, documents):
                _add(spools[section], sizes, section, key, value)
            count += 1
        for actor, kind in sorted(agents.items()):
            _add(spools["agent"], sizes, "agent", agent_id(actor), {"prov:type": _qname(kind), "prov:label": actor})
        out.write('{"prefix":' + dumps(prefixes(ctx.base_url)))
        for section in SECTIONS:
            if sizes[section]:
                out.write(f',"{section}":{{')
                spools[section].seek(0)
                shutil.copyfileobj(spools[section], out)
                out.write("}")
        out.write("}\n")
    finally:
        for spool in spools.values():
            spool.close()
    return count


def claim_records(claim: dict, agents: dict[str, str], documents: set[int]) -> Iterator[tuple[str, str, dict]]:
    previous = None
    for v in claim["history"]:
        entity, activity, agent = f"claim:{claim['id']}/v{v['version']}", f"decision:{v['seq']}", agent_id(v["actor"])
        agents.setdefault(v["actor"], "prov:SoftwareAgent" if v["origin"] == "annotator" else "prov:Person")
        yield (
            "entity",
            entity,
            _drop_none(
                {
                    "prov:label": v["quote"],
                    "claimtrail:status": v["status"],
                    "claimtrail:version": v["version"],
                    "claimtrail:decisionHash": v["hash"],
                }
            ),
        )
        yield (
            "activity",
            activity,
            _drop_none(
                {
                    "prov:startTime": v["at"],
                    "prov:endTime": v["at"],
                    "prov:label": v["action"],
                    "claimtrail:origin": v["origin"],
                    "claimtrail:rationale": v["rationale"] or None,
                }
            ),
        )
        yield "wasGeneratedBy", f"_:gen{v['seq']}", {"prov:entity": entity, "prov:activity": activity, "prov:time": v["at"]}
        yield "wasAssociatedWith", f"_:assoc{v['seq']}", {"prov:activity": activity, "prov:agent": agent}
        if previous:
            yield "used", f"_:use{v['seq']}", {"prov:activity": activity, "prov:entity": previous}
            yield (
                "wasDerivedFrom",
                f"_:rev{v['seq']}",
                {
                    "prov:generatedEntity": entity,
                    "prov:usedEntity": previous,
                    "prov:activity": activity,
                    "prov:type": _qname("prov:Revision"),
                },
            )
        else:
            yield from _quotation(claim, entity, documents)
        previous = entity


def _quotation(claim: dict, entity: str, documents: set[int]) -> Iterator[tuple[str, str, dict]]:
    doc = claim["document"]
    if doc["id"] not in documents:
        documents.add(doc["id"])
        yield (
            "entity",
            f"document:{doc['id']}",
            _drop_none({"prov:label": doc["title"] or doc["file_name"], "claimtrail:sha256": doc["sha256"], "claimtrail:url": doc["url"]}),
        )
    yield (
        "wasDerivedFrom",
        f"_:quote{claim['id']}",
        {
            "prov:generatedEntity": entity,
            "prov:usedEntity": f"document:{doc['id']}",
            "prov:type": _qname("prov:Quotation"),
        },
    )


def prefixes(base: str) -> dict:
    return {
        "claimtrail": f"{base}/ns#",
        "claim": f"{base}/claims/",
        "decision": f"{base}/decisions/",
        "agent": f"{base}/agents/",
        "document": f"{base}/documents/",
    }


def agent_id(actor: str) -> str:
    return "agent:" + quote(actor, safe="")


def _qname(name: str) -> dict:
    return {"$": name, "type": "prov:QUALIFIED_NAME"}


def _drop_none(attributes: dict) -> dict:
    return {k: v for k, v in attributes.items() if v is not None}


def _add(spool, sizes: dict, section: str, key: str, value: dict) -> None:
    spool.write(("," if sizes[section] else "") + dumps(key) + ":" + dumps(value))
    sizes[section] += 1
