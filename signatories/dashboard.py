"""The per-letter dashboard for editors: reads only.

Staff open it rarely, so it may aggregate over a letter's signatures, but every
query is bounded by the letter: the days come from the ``signature_letter_day``
index alone, the emails from the outbox's partial indexes (owed, refused), and the
totals by state, the approval queue, the countries and the types from one grouped
pass over the letter's rows (the only scan; see docs/decisions.md for timings).

"Signatures per day" counts the signatures *signed* that day (``created_at``) by the
state they are in now: the bars of a day add up to the sign-ups of that day that are
still waiting for their email, confirmed or approved. Rejected and withdrawn ones
appear only in the totals by state.
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Min, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from pages.models import Letter

from .models import (
    OWED_EMAIL_STATES,
    EmailState,
    OrganisationType,
    OutboundEmail,
    Signature,
    SignatureStatus,
)
from .review import letter_awaiting_approval
from .selectors import letter_signature_count

DASHBOARD_DAYS = 90
# The states the chart and the breakdowns show: the live signatures.
CHARTED_STATES = (
    SignatureStatus.PENDING,
    SignatureStatus.CONFIRMED,
    SignatureStatus.APPROVED,
)
NOT_GIVEN = ""  # the key of signatures without a country or a type (individuals)


@dataclass(frozen=True)
class StateCounts:
    """Live signatures of one day, country or type, by their current state."""

    key: str
    label: str
    pending: int = 0
    confirmed: int = 0
    approved: int = 0

    @property
    def total(self) -> int:
        return self.pending + self.confirmed + self.approved

    def by_state(self) -> dict[str, int]:
        return {state.value: getattr(self, state.value) for state in CHARTED_STATES}


@dataclass(frozen=True)
class DayCounts(StateCounts):
    day: date | None = None  # always set; a default only because the counts have one


@dataclass(frozen=True)
class LetterDashboard:
    letter: Letter
    days: list[DayCounts]  # every day of the window, oldest first; empty if none
    by_state: dict[str, int]  # every state, all time
    by_country: list[StateCounts]  # most signatures first
    by_type: list[StateCounts]
    public_count: int
    approval_queue: int
    emails_owed: int
    emails_failing: int  # owed, after at least one failed attempt
    bounces: int  # refused for good by the recipient's server

    @property
    def first_day(self) -> date | None:
        return self.days[0].day if self.days else None

    @property
    def last_day(self) -> date | None:
        return self.days[-1].day if self.days else None


def _window(*, letter: Letter, today: date, days: int) -> tuple[date, date] | None:
    """The days to chart: the last ``days`` of the letter's signing, or None."""
    first = Signature.objects.filter(letter=letter).aggregate(first=Min("created_at"))[
        "first"
    ]
    if first is None:
        return None
    end = today
    if letter.signing_closes and timezone.localdate(letter.signing_closes) < end:
        end = timezone.localdate(letter.signing_closes)
    start = max(timezone.localdate(first), end - timedelta(days=days - 1))
    return (start, end) if start <= end else None


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _per_day(*, letter: Letter, start: date, end: date) -> list[DayCounts]:
    counts: dict[date, dict[str, int]] = defaultdict(dict)
    rows = (
        Signature.objects.filter(
            letter=letter,
            created_at__gte=_midnight(start),
            created_at__lt=_midnight(end + timedelta(days=1)),
            status__in=CHARTED_STATES,
        )
        .annotate(day=TruncDate("created_at"))
        .values_list("day", "status")
        .annotate(n=Count("*"))  # not the id: the index alone answers
        .order_by()
    )
    for day, status, n in rows:
        counts[day][status] = n
    return [
        DayCounts(key=day.isoformat(), label="", day=day, **counts[day])
        for day in (start + timedelta(days=i) for i in range((end - start).days + 1))
    ]


@dataclass(frozen=True)
class _Counts:
    by_state: dict[str, int]
    by_country: list[StateCounts]
    by_type: list[StateCounts]
    approval_queue: int


def _counts(*, letter: Letter) -> _Counts:
    """Totals by state, the queue, and live signatures by country and type.

    One pass over the letter's signatures, grouped by (country, type, status): a
    few hundred rows whatever the number of signatures.
    """
    by_state = {state.value: 0 for state in SignatureStatus}
    by_country: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_type: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    queue = 0
    rows = (
        Signature.objects.filter(letter=letter)
        .values_list("country", "organisation_type", "status")
        .annotate(
            n=Count("pk"), waiting=Count("pk", filter=letter_awaiting_approval(letter))
        )
        .order_by()
    )
    for country, organisation_type, status, n, waiting in rows:
        by_state[status] = by_state.get(status, 0) + n
        queue += waiting
        if status in CHARTED_STATES:
            by_country[str(country or NOT_GIVEN)][status] += n
            by_type[organisation_type or NOT_GIVEN][status] += n
    type_labels = dict(OrganisationType.choices)
    not_given = _("Not given")

    def ranked(groups, label) -> list[StateCounts]:
        items = [
            StateCounts(key=key, label=label(key) if key else not_given, **states)
            for key, states in groups.items()
        ]
        # Most signatures first; "not given" last; then by name for a stable order.
        return sorted(items, key=lambda c: (c.key == NOT_GIVEN, -c.total, c.label))

    return _Counts(
        by_state=by_state,
        by_country=ranked(by_country, lambda code: str(countries.name(code) or code)),
        by_type=ranked(by_type, lambda key: str(type_labels.get(key, key))),
        approval_queue=queue,
    )


def _emails(*, letter: Letter) -> dict[str, int]:
    emails = OutboundEmail.objects.filter(signature__letter=letter)
    owed = emails.filter(state__in=OWED_EMAIL_STATES).aggregate(
        owed=Count("pk"), failing=Count("pk", filter=Q(attempts__gt=0))
    )
    bounces = emails.filter(state=EmailState.FAILED_PERMANENT).count()
    return {"owed": owed["owed"], "failing": owed["failing"], "bounces": bounces}


def letter_dashboard(
    *, letter: Letter, today: date | None = None, days: int = DASHBOARD_DAYS
) -> LetterDashboard:
    """Gather one letter's figures: per day, by state, country and type, emails."""
    today = today or timezone.localdate()
    window = _window(letter=letter, today=today, days=days)
    per_day = _per_day(letter=letter, start=window[0], end=window[1]) if window else []
    counts = _counts(letter=letter)
    emails = _emails(letter=letter)
    return LetterDashboard(
        letter=letter,
        days=per_day,
        by_state=counts.by_state,
        by_country=counts.by_country,
        by_type=counts.by_type,
        public_count=letter_signature_count(letter=letter),
        approval_queue=counts.approval_queue,
        emails_owed=emails["owed"],
        emails_failing=emails["failing"],
        bounces=emails["bounces"],
    )


CSV_HEADER = ("metric", "key", "label", "state", "value")


def dashboard_csv_rows(dashboard: LetterDashboard) -> Iterator[tuple]:
    """The dashboard's figures as tidy rows: one figure per row (``CSV_HEADER``).

    ``metric`` names the figure, ``key`` a stable code (a day in ISO format, a
    country code, a type; empty for a single figure), ``label`` its name in the
    current language, ``state`` a signature state where the figure is split by one.
    """
    letter = dashboard.letter
    yield ("letter", letter.slug, str(letter), "", letter.pk)
    yield ("goal", "", "", "", letter.goal)
    yield ("public_count", "", "", "", dashboard.public_count)
    yield ("approval_queue", "", "", "", dashboard.approval_queue)
    yield ("emails_owed", "", "", "", dashboard.emails_owed)
    yield ("emails_failing", "", "", "", dashboard.emails_failing)
    yield ("bounces", "", "", "", dashboard.bounces)
    labels = dict(SignatureStatus.choices)
    for state, n in dashboard.by_state.items():
        yield ("signatures", "", str(labels[state]), state, n)
    for metric, rows in (
        ("per_day", dashboard.days),
        ("country", dashboard.by_country),
        ("organisation_type", dashboard.by_type),
    ):
        for row in rows:
            for state, n in row.by_state().items():
                yield (metric, row.key, row.label, state, n)
