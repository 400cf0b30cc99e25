"""Issue 13, finding 7: the JSON API answers what its OpenAPI schema says. A bounded
schemathesis run (a fixed number of generated requests per operation, derandomized so CI
is repeatable) over every /api operation with a signed-in user: no server error and no
response that differs from the schema."""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance, status_code_conformance

from annotate import accounts

# per operation: ~30 operations, a few hundred requests in all; a longer run: CLAIMTRAIL_FUZZ_EXAMPLES=200
EXAMPLES = int(os.environ.get("CLAIMTRAIL_FUZZ_EXAMPLES", "12"))

TEXTS = [
    "The mayor said the bridge was closed on Friday after the shelling.",
    "Engineers said on Saturday that the bridge had reopened to traffic.",
]


@pytest.fixture
def api_token(record, users, desk):
    first = desk.claim(desk.document(TEXTS[0]), TEXTS[0])
    second = desk.claim(desk.document(TEXTS[1]), TEXTS[1])
    assert first and second  # ids 1 and 2 exist, so generated small ids find objects now and then
    return accounts.create_api_token(record, "lea", "fuzz")


def test_every_api_operation_answers_as_its_schema_says(app, api_token):
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20
    for operation in operations:

        @given(case=operation.as_strategy())  # noqa: B023 - run() is called within this iteration
        @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def run(case):
            try:
                case.call_and_validate(
                    headers={"Authorization": f"Bearer {api_token}"},
                    checks=[not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance],
                )
            except Exception as failure:  # every operation's failures, not just the first one's
                failures.append(f"{operation.label}: {str(failure)[:600]}")  # noqa: B023
                raise

        try:
            run()
        except Exception:  # noqa: S110 - collected above
            pass
    assert not failures, "\n\n".join(failures)
