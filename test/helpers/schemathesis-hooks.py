# Schemathesis hooks for test/integration/fuzz.test.ts. Each teaches the generator a rule that the
# OpenAPI document states in words but JSON Schema cannot express, so that a request the API
# rightly refuses is not taken for a schema-valid one it rejected. Nothing here silences a check
# wholesale: each is limited to named operations and rules.
import re
import struct

import schemathesis
from schemathesis.core.parameters import ParameterLocation

_INSTANT = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?(Z|[+-][0-9]{2}:[0-9]{2})$")


def _days_from_civil(year, month, day):
    # Proleptic Gregorian days since 1970-01-01, year 0 included (as JavaScript's Date counts).
    year -= month <= 2
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


def _millis(value):
    """The instant as the API reads it (`new Date(value)`: milliseconds, the rest cut off)."""
    match = _INSTANT.match(value) if isinstance(value, str) else None
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    fraction = int((match.group(7) or "")[:3].ljust(3, "0"))
    zone = match.group(8)
    offset = 0 if zone == "Z" else (1 if zone[0] == "+" else -1) * (int(zone[1:3]) * 60 + int(zone[4:6]))
    minutes = (_days_from_civil(year, month, day) * 24 + hour) * 60 + minute - offset
    return minutes * 60_000 + second * 1000 + fraction


def _silent_wav(seconds=0.1, rate=8000):
    data = bytes(int(seconds * rate) * 2)
    header = b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVEfmt " + struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16)
    return header + b"data" + struct.pack("<I", len(data)) + data


_RECORDING = _silent_wav()


@schemathesis.hook
def filter_case(ctx, case):
    label = case.operation.label
    # GET /submissions, GET /admin/audit, GET /admin/graders/agreement: `from` must be before `to`
    # (said on the parameter); 400 otherwise.
    if label in ("GET /submissions", "GET /admin/audit", "GET /admin/graders/agreement") and case.query:
        start, end = _millis(case.query.get("from")), _millis(case.query.get("to"))
        if start is not None and end is not None:
            return start < end
    # POST /admin/sittings: `closesAt` must be after `opensAt` (said on the body); 422 otherwise.
    if label == "POST /admin/sittings" and isinstance(case.body, dict):
        start, end = _millis(case.body.get("opensAt")), _millis(case.body.get("closesAt"))
        if start is not None and end is not None:
            return start < end
    # POST /submissions, multipart: either `taskId` or all of `skill`, `task`, `prompt`, never both
    # (said on the body). Only requests meant to be valid are narrowed.
    if (
        label == "POST /submissions"
        and (case.media_type or "").startswith("multipart/")
        and isinstance(case.body, dict)
        and case.meta is not None
        and not case.meta.is_negative_at(ParameterLocation.BODY)
    ):
        practice = [key in case.body for key in ("skill", "task", "prompt")]
        return all(practice) if "taskId" not in case.body else not any(practice)
    # POST /attempts: a sitting's attempt takes its title (said on `title`); both together are 422.
    if label == "POST /attempts" and isinstance(case.body, dict):
        return not ("title" in case.body and "sittingId" in case.body)
    return True


@schemathesis.hook
def map_case(ctx, case):
    # POST /submissions, multipart: the `audio` part must be a recording (the API reads its format
    # from the bytes: 400 empty, 415 not audio); the schema can only say "bytes". A request meant
    # to be valid carries a real, short WAV; invalid ones keep what was generated.
    if (
        case.operation.label == "POST /submissions"
        and (case.media_type or "").startswith("multipart/")
        and isinstance(case.body, dict)
        and "audio" in case.body
        and case.meta is not None
        and not case.meta.is_negative_at(ParameterLocation.BODY)
    ):
        case.body["audio"] = _RECORDING
    return case


_CRITERIA = {
    frozenset({"taskFulfilment", "organisation", "vocabulary", "grammar"}),
    frozenset({"grammar", "vocabulary", "pronunciation", "fluency", "discourseManagement"}),
}


def _problem(response):
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _field_errors(problem):
    return {(e.get("field"), e.get("message")) for e in problem.get("errors") or [] if isinstance(e, dict)}


_TASK_REFUSALS = (
    r"is not a published task|was archived and takes no more answers|is a (writing|speaking) task: .+"
    r"|is not a task of this sitting|is required: answers in a sitting are to the sitting's tasks"
)
_SITTING_REFUSALS = r"taskIds\.\d+: (is not a task of the bank|is (draft|archived), not published|is a second \w+: a form has one task per part)|studentIds\.\d+: is not a student"


def _refused_for_stored_state(case, response):
    """A documented refusal that depends on what is already stored, not on the request's shape."""
    problem = _problem(response)
    label = case.operation.label
    if label == "POST /submissions" and response.status_code == 422:
        # Only these (no other field error): an Idempotency-Key this student already used for a
        # different submission (the header's description says 422), or an attemptId that is
        # not an attempt of this student's.
        # Or a taskId that is not a published task of the right skill (of the attempt's sitting),
        # or free practice in a sitting's attempt.
        errors = _field_errors(problem)
        return bool(errors) and all(
            error in {("header.idempotency-key", "was already used for a different submission"), ("attemptId", "is not an attempt of yours")}
            or (error[0] == "taskId" and re.fullmatch(_TASK_REFUSALS, str(error[1])) is not None)
            for error in errors
        )
    if label == "POST /admin/sittings" and response.status_code == 422:
        # Tasks that are not published, a second task for one part, ids that are not students.
        errors = _field_errors(problem)
        return bool(errors) and all(re.fullmatch(_SITTING_REFUSALS, f"{field}: {message}") is not None for field, message in errors)
    if label in ("POST /reviews/{id}/complete", "POST /submissions/{id}/override") and response.status_code == 400:
        # The document offers both skills' criteria (anyOf); which one a review (or an override)
        # takes depends on its submission. One skill's full set sent for the other skill's is refused.
        expected = re.fullmatch(r"The scores were not accepted: criteria must be exactly: ([A-Za-z, ]+)\.", str(problem.get("detail", "")))
        wanted = frozenset(name.strip() for name in expected.group(1).split(",")) if expected else None
        given = frozenset((case.body.get("criteria") or {}) if isinstance(case.body, dict) else {})
        return wanted in _CRITERIA and given in _CRITERIA and given != wanted
    return False


@schemathesis.hook
def filter_failure(ctx, failure, case, response):
    # "Schema-valid request rejected" does not apply to a refusal that the stored state explains;
    # every other failure, and every other refusal of these operations, still fails the run.
    return not (failure.code == "ST202" and _refused_for_stored_state(case, response))
