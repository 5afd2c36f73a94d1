import csv
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count, Exists, F, OuterRef
from django.db.models.functions import TruncDate
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from pages.models import Letter

from . import newsletters, offline, outbox, services
from .charts import Column, Series, stacked_bar_chart
from .csv_export import neutralise, signatures_csv
from .dashboard import (
    CHARTED_STATES,
    CSV_HEADER,
    LetterDashboard,
    dashboard_csv_rows,
    letter_dashboard,
)
from .delivery_pack import pack_storage, user_may_download_packs
from .domains import domain_matches as _domain_matches
from .forms import RejectForm, SignatureForm
from .models import (
    OWED_EMAIL_STATES,
    DeliveryPack,
    DeliveryPackState,
    EmailState,
    LetterTally,
    Newsletter,
    NewsletterState,
    NewsletterText,
    OutboundEmail,
    Signature,
    SignatureStatus,
)
from .review import (
    QUEUE_PARAMETER,
    QUEUE_WAITING,
    approval_queue_url,
    signature_awaits_approval,
    signatures_awaiting_approval,
)


def domain_matches(signature: Signature) -> bool:
    """Whether the contact email's domain is the website's (ignoring www.)."""
    return _domain_matches(email=signature.email_normalised, website=signature.website)


class ApprovalQueueFilter(admin.SimpleListFilter):
    """The editors' queue: confirmed signatures that still need a decision."""

    title = _("review")
    parameter_name = QUEUE_PARAMETER

    def lookups(self, request, model_admin):
        return [(QUEUE_WAITING, _("Waiting for approval"))]

    def queryset(self, request, queryset):
        if self.value() == QUEUE_WAITING:
            return signatures_awaiting_approval(queryset)
        return queryset


class EmailStateFilter(admin.SimpleListFilter):
    title = _("email")
    parameter_name = "email"

    def lookups(self, request, model_admin):
        return [("failed", _("Delivery failed")), ("unsent", _("Not sent yet"))]

    def queryset(self, request, queryset):
        emails = OutboundEmail.objects.filter(signature=OuterRef("pk"))
        if self.value() == "failed":
            return queryset.filter(
                Exists(emails.filter(state=EmailState.FAILED_PERMANENT))
            )
        if self.value() == "unsent":
            return queryset.filter(Exists(emails.filter(state__in=OWED_EMAIL_STATES)))
        return queryset


class SignatureAdminForm(forms.ModelForm):
    """The change form; a new logo passes the public form's checks."""

    class Meta:
        model = Signature
        fields = ["logo"]  # the admin passes its own list

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if not isinstance(logo, UploadedFile):
            return logo  # unchanged (the stored file) or cleared (False)
        # The same checks as a signer's upload (type, size, pixels, decodable).
        public = SignatureForm(
            data={}, files={"logo": logo}, letter=self.instance.letter
        )
        public.is_valid()
        if "logo" in public.errors:
            raise forms.ValidationError(public.errors["logo"])
        return logo


class OfflineImportForm(forms.Form):
    """The first step of an offline import: which letter, where from, which file."""

    letter = forms.ModelChoiceField(
        label=_("Letter"), queryset=Letter.objects.published().order_by("slug")
    )
    source_note = forms.CharField(
        label=_("Where were these signatures gathered?"),
        max_length=200,
        help_text=_(
            "For example “Berlin event, November 2026” or “letters by post”. "
            "Stored with each signature; editors see it, the public does not."
        ),
    )
    language = forms.ChoiceField(
        label=_("Language of the emails"),
        choices=settings.LANGUAGES,
        help_text=_("For rows that name no language of their own."),
    )
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "UTF-8, separated by commas or semicolons, at most 1 MB. Start from "
            "the template."
        ),
    )
    consent = forms.BooleanField(
        label=_(
            "The signers agreed, on paper or in writing, that their details are "
            "stored to count their signature and, where they said yes, to list it."
        ),
    )

    def clean_source_note(self):
        return " ".join(self.cleaned_data["source_note"].split())

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > offline.MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)d KB: split it into smaller files.")
                % {"size": offline.MAX_FILE_BYTES // 1024}
            )
        try:
            text = offline.csv_text(upload.read())
            self.cleaned_data["rows"] = offline.csv_rows(text)
        except offline.CsvError as error:
            raise forms.ValidationError(str(error)) from None
        return text


@admin.register(Signature)
class SignatureAdmin(admin.ModelAdmin):
    form = SignatureAdminForm
    # What an editor needs to decide, within 1280 px; the rest is on the detail page.
    list_display = [
        "display_name_column",
        "state",
        "letter_column",
        "country",
        "domain_match",
        "is_public",
        "version_column",
        "signed_on",
    ]
    list_filter = [
        ApprovalQueueFilter,
        "status",
        "source",
        "letter",
        "kind",
        "organisation_type",
        "is_public",
        "newsletter",
        "domain_match",
        EmailStateFilter,
        ("country", admin.AllValuesFieldListFilter),
    ]
    search_fields = ["organisation", "contact_name", "contact_email", "website"]
    list_select_related = ["letter"]
    date_hierarchy = "created_at"
    actions = ["approve", "reject", "resend_confirmation", "export_csv"]
    readonly_fields = [
        "letter",
        "kind",
        "state",
        "domain_match_detail",
        "contact_email",  # the confirmed identity; uniqueness and tokens use it
        "email_normalised",
        "language",
        "source",
        "source_note",
        "version_signed",
        "text_hash",
        "created_at",
        "confirmed_at",
        "reviewed_at",
        "reviewed_by",
        "rejection_reason",
        "withdrawn_at",
        "email_delivery",
    ]
    fields = [
        "letter",
        "kind",
        "state",
        "organisation",
        "website",
        "domain_match_detail",
        "country",
        "organisation_type",
        "contact_name",
        "contact_role",
        "contact_email",
        "logo",
        "comment",
        "is_public",
        "newsletter",
        *readonly_fields[5:],
    ]
    import_template = "admin/signatories/signature/import.html"
    change_list_template = "admin/signatories/signature/change_list.html"

    def has_add_permission(self, request):
        return False  # signatures come through the form or the API

    def get_queryset(self, request):
        # The version's number joined in (one version row per text): no query per row.
        return (
            super()
            .get_queryset(request)
            .annotate(version_number=F("letter_content__versions__number"))
        )

    def get_readonly_fields(self, request, obj=None):
        # A withdrawn signature was erased: nobody types its details back in.
        if obj is not None and obj.status == SignatureStatus.WITHDRAWN:
            return self.fields
        return super().get_readonly_fields(request, obj)

    def save_model(self, request, obj, form, change):
        # Through the service: the uploaded logo is re-encoded, never stored as sent.
        logo = form.cleaned_data.get("logo")
        services.signature_update_details(
            signature_id=obj.pk,
            details={
                name: form.cleaned_data[name]
                for name in form.changed_data
                if name in services.EDITABLE_DETAILS
            },
            logo=logo if isinstance(logo, UploadedFile) else None,
            logo_clear=logo is False,
        )
        obj.refresh_from_db()

    # Deletes go through the service: the public count and the logo follow.
    def delete_model(self, request, obj):
        services.signature_delete(signature_id=obj.pk)

    def delete_queryset(self, request, queryset):
        services.signatures_delete(signature_ids=queryset.values_list("pk", flat=True))

    def log_deletions(self, request, queryset):
        """Record who deleted which signature, without the signer's name."""
        from django.contrib.admin.models import DELETION, LogEntry
        from django.contrib.contenttypes.models import ContentType

        content_type = ContentType.objects.get_for_model(Signature)
        return LogEntry.objects.bulk_create(
            [
                LogEntry(
                    user_id=request.user.pk,
                    content_type=content_type,
                    object_id=str(obj.pk),
                    object_repr=f"#{obj.pk}",
                    action_flag=DELETION,
                    change_message="",
                )
                for obj in queryset
            ]
        )

    def changelist_view(self, request, extra_context=None):
        # The app navigation (still one click away under "Home") would take 290 px
        # beside the filters and push Status, Domain match and Listed publicly off
        # a 1280 px screen (tests/browser/test_editor.py measures it).
        letter_id = request.GET.get("letter__id__exact", "")
        extra_context = {
            "is_nav_sidebar_enabled": False,
            "email_backlog": outbox.backlog(),  # owed and failing emails, at a glance
            "can_import": self.has_import_permission(request),
            # Filtered by one letter: a link to that letter's dashboard.
            "letter_dashboard_url": reverse(
                "admin:signatories_signature_dashboard", args=[int(letter_id)]
            )
            if letter_id.isascii() and letter_id.isdigit()
            else "",
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context=extra_context)

    @admin.display(description=_("name"), ordering="organisation")
    def display_name_column(self, obj):
        return obj.display_name or "—"

    @admin.display(description=_("status"), ordering="status")
    def state(self, obj):
        if signature_awaits_approval(obj):
            return format_html(
                '<strong class="awaiting">{}</strong>', _("Waiting for approval")
            )
        return obj.get_status_display()

    @admin.display(description=_("signed"), ordering="created_at")
    def signed_on(self, obj):
        return date_format(timezone.localtime(obj.created_at), "SHORT_DATE_FORMAT")

    @admin.display(description=_("letter"), ordering="letter__slug")
    def letter_column(self, obj):
        return obj.letter.slug

    @admin.display(description=_("version"), ordering="letter_content")
    def version_column(self, obj):
        number = getattr(obj, "version_number", None)
        return number or "—"

    @admin.display(description=_("version signed"))
    def version_signed(self, obj):
        content = obj.letter_content
        if content is None:
            return "—"
        number = getattr(obj, "version_number", None)
        return _("Version %(number)s (%(language)s): %(title)s") % {
            "number": number or "?",
            "language": content.language,
            "title": content.title,
        }

    @admin.display(description=_("domain match"), boolean=True, ordering="domain_match")
    def domain_match(self, obj):
        return obj.domain_match  # stored by the services when email or website change

    @admin.display(description=_("emails"))
    def email_delivery(self, obj):
        rows = obj.emails.order_by("created_at", "pk") if obj.pk else []
        lines = []
        for row in rows:
            detail = ngettext("%d attempt", "%d attempts", row.attempts) % row.attempts
            if row.last_error:
                detail = f"{detail}, {row.last_error}"
            lines.append(
                f"{row.get_kind_display()}: {row.get_state_display()} ({detail})"
            )
        return "; ".join(lines) or "—"

    @admin.display(description=_("domain match"))
    def domain_match_detail(self, obj):
        if obj.domain_match:
            return _("Yes: the email's domain is the website's.")
        return _(
            "No: the email's domain differs from the website's (or one is missing)."
        )

    @admin.action(description=_("Approve selected signatures"), permissions=["change"])
    def approve(self, request, queryset):
        changed = services.signatures_approve(
            signature_ids=queryset.values_list("pk", flat=True), user=request.user
        )
        self.message_user(
            request,
            ngettext("%d signature approved.", "%d signatures approved.", changed)
            % changed,
            messages.SUCCESS,
        )

    @admin.action(description=_("Reject selected signatures…"), permissions=["change"])
    def reject(self, request, queryset):
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            changed = services.signatures_reject(
                signature_ids=queryset.values_list("pk", flat=True),
                user=request.user,
                reason=form.cleaned_data["reason"],
            )
            self.message_user(
                request,
                ngettext("%d signature rejected.", "%d signatures rejected.", changed)
                % changed,
                messages.SUCCESS,
            )
            return None
        return render(
            request,
            "admin/signatories/signature/reject.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Reject signatures"),
                "form": form,
                "signatures": queryset,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=_("Resend the email"), permissions=["change"])
    def resend_confirmation(self, request, queryset):
        sent = 0
        for signature in queryset.select_related("letter"):
            if signature.contact_email:
                services.signature_resend(
                    letter=signature.letter, contact_email=signature.contact_email
                )
                sent += 1
        self.message_user(
            request,
            _("Queued emails for %d signatures (at most three emails per signature).")
            % sent,
        )

    # Change permission, not view: the export holds contact emails.
    @admin.action(description=_("Export selected as CSV"), permissions=["change"])
    def export_csv(self, request, queryset):
        response = StreamingHttpResponse(
            signatures_csv(queryset), content_type="text/csv"
        )
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = (
            f'attachment; filename="signatures-{stamp}.csv"'
        )
        return response

    def get_urls(self):
        return [
            path(
                "stats/",
                self.admin_site.admin_view(self.stats_view),
                name="signatories_signature_stats",
            ),
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="signatories_signature_import",
            ),
            path(
                "import/template.csv",
                self.admin_site.admin_view(self.import_template_view),
                name="signatories_signature_import_template",
            ),
            path(
                "dashboard/",
                self.admin_site.admin_view(self.dashboard_index_view),
                name="signatories_signature_dashboards",
            ),
            path(
                "dashboard/<int:letter_id>/",
                self.admin_site.admin_view(self.dashboard_view),
                name="signatories_signature_dashboard",
            ),
            path(
                "dashboard/<int:letter_id>/csv/",
                self.admin_site.admin_view(self.dashboard_csv_view),
                name="signatories_signature_dashboard_csv",
            ),
            *super().get_urls(),
        ]

    def has_import_permission(self, request) -> bool:
        # The model's add permission: the admin's own add form stays closed
        # (has_add_permission), the import is the one way editors add signatures.
        return request.user.has_perm("signatories.add_signature")

    def import_template_view(self, request):
        """The CSV file editors fill in: the columns and one example row."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        response = HttpResponse(offline.template_csv(), content_type="text/csv")
        response["Content-Disposition"] = (
            'attachment; filename="offline-signatures-template.csv"'
        )
        return response

    def import_view(self, request):
        """Import offline signatures: upload, preview every row, then import."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import offline signatures"),
            "opts": self.model._meta,
            "columns": [(name, offline.COLUMN_HELP[name]) for name in offline.COLUMNS],
        }
        if request.method == "POST" and "payload" in request.POST:
            return self._import_confirmed(request, context)
        form = OfflineImportForm(
            request.POST or None,
            request.FILES or None,
            initial={"language": get_language()},
        )
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            try:
                report = services.signatures_import(
                    letter=data["letter"],
                    rows=data["rows"],
                    source_note=data["source_note"],
                    imported_by=request.user,
                    language=data["language"],
                    dry_run=True,
                )
            except services.SigningClosed:
                form.add_error("letter", _("This letter does not take signatures now."))
            else:
                payload = offline.import_payload_dumps(
                    user_id=request.user.pk,
                    letter_id=data["letter"].pk,
                    source_note=data["source_note"],
                    language=data["language"],
                    text=data["file"],
                )
                return TemplateResponse(
                    request,
                    "admin/signatories/signature/import_report.html",
                    {
                        **context,
                        "title": _("Check the import"),
                        "report": report,
                        "letter": data["letter"],
                        "source_note": data["source_note"],
                        "payload": payload,
                    },
                )
        status = 400 if form.is_bound else 200
        return TemplateResponse(
            request, self.import_template, {**context, "form": form}, status=status
        )

    def _import_confirmed(self, request, context):
        try:
            job = offline.import_payload_loads(
                request.POST["payload"], user_id=request.user.pk
            )
            rows = offline.csv_rows(job["csv"])
        except (signing.BadSignature, offline.CsvError):
            self.message_user(
                request,
                _("This import expired or was changed: upload the file again."),
                messages.ERROR,
            )
            return redirect("admin:signatories_signature_import")
        letter = get_object_or_404(Letter, pk=job["letter"])
        try:
            report = services.signatures_import(
                letter=letter,
                rows=rows,
                source_note=job["note"],
                imported_by=request.user,
                language=job["language"],
                dry_run=False,
            )
        except services.SigningClosed:
            self.message_user(
                request,
                _("This letter does not take signatures now."),
                messages.ERROR,
            )
            return redirect("admin:signatories_signature_import")
        return TemplateResponse(
            request,
            "admin/signatories/signature/import_report.html",
            {
                **context,
                "title": _("Offline signatures imported"),
                "report": report,
                "letter": letter,
                "source_note": job["note"],
                "queue_url": approval_queue_url(),
            },
        )

    def dashboard_index_view(self, request):
        """The letters, each linking to its dashboard."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        letters = Letter.objects.all()
        return TemplateResponse(
            request,
            "admin/signatories/signature/dashboard_index.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Signature dashboards"),
                "opts": self.model._meta,
                "letters": [
                    (letter, self._dashboard_url(letter.pk)) for letter in letters
                ],
            },
        )

    def dashboard_view(self, request, letter_id: int):
        """One letter's figures: per day (SVG, drawn here), by state, country, type."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        letter = get_object_or_404(Letter, pk=letter_id)
        dashboard = letter_dashboard(letter=letter)
        changelist = reverse("admin:signatories_signature_changelist")
        only_letter = f"letter__id__exact={letter.pk}"
        return TemplateResponse(
            request,
            "admin/signatories/signature/dashboard.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Dashboard: %(letter)s") % {"letter": letter},
                "opts": self.model._meta,
                "letter": letter,
                "dashboard": dashboard,
                "chart": _dashboard_chart(dashboard),
                "states": [(state, state.label) for state in CHARTED_STATES],
                "breakdowns": [
                    (_("By country"), dashboard.by_country, _("Country")),
                    (
                        _("By type of organisation"),
                        dashboard.by_type,
                        _("Type of organisation"),
                    ),
                ],
                "state_totals": [
                    (label, dashboard.by_state[state])
                    for state, label in SignatureStatus.choices
                ],
                "index_url": reverse("admin:signatories_signature_dashboards"),
                "csv_url": reverse(
                    "admin:signatories_signature_dashboard_csv", args=[letter.pk]
                ),
                # The signature list, narrowed to this letter (and more).
                "signatures_url": f"{changelist}?{only_letter}",
                "queue_url": f"{approval_queue_url()}&{only_letter}",
                "owed_url": f"{changelist}?email=unsent&{only_letter}",
                "bounces_url": f"{changelist}?email=failed&{only_letter}",
            },
        )

    def dashboard_csv_view(self, request, letter_id: int):
        """The dashboard's figures as CSV, one figure per row (no personal data)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        letter = get_object_or_404(Letter, pk=letter_id)
        dashboard = letter_dashboard(letter=letter)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response.write("\ufeff")  # a BOM so spreadsheet programs read UTF-8
        writer = csv.writer(response)
        writer.writerow(CSV_HEADER)
        for row in dashboard_csv_rows(dashboard):
            writer.writerow([neutralise(cell) for cell in row])
        stamp = timezone.localdate().strftime("%Y%m%d")
        response["Content-Disposition"] = (
            f'attachment; filename="dashboard-{letter.slug}-{stamp}.csv"'
        )
        return response

    @staticmethod
    def _dashboard_url(letter_id: int) -> str:
        return reverse("admin:signatories_signature_dashboard", args=[letter_id])

    def stats_view(self, request):
        """Signatures per day over the last 60 days, as an SVG bar chart (no JS)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        since = timezone.now() - timedelta(days=60)
        per_day = list(
            Signature.objects.filter(created_at__gte=since)
            .annotate(day=TruncDate("created_at"))
            .values("day")
            .annotate(n=Count("id"))
            .order_by("day")
        )
        by_state = (
            Signature.objects.values("status")
            .annotate(n=Count("id"))
            .order_by("status")
        )
        peak = max((row["n"] for row in per_day), default=0) or 1
        bars = [
            {
                "day": row["day"],
                "n": row["n"],
                "x": i * 12,
                "height": round(150 * row["n"] / peak),
                "y": 160 - round(150 * row["n"] / peak),
            }
            for i, row in enumerate(per_day)
        ]
        labels = dict(SignatureStatus.choices)
        return TemplateResponse(
            request,
            "admin/signatories/signature/stats.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Signatures over time"),
                "opts": self.model._meta,
                "bars": bars,
                "width": max(len(bars) * 12, 120),
                "by_state": [
                    (labels.get(r["status"], r["status"]), r["n"]) for r in by_state
                ],
            },
        )


# Okabe-Ito colours, distinguishable with the common colour-vision deficiencies.
CHART_COLOURS = {
    SignatureStatus.APPROVED: "#0072b2",
    SignatureStatus.CONFIRMED: "#e69f00",
    SignatureStatus.PENDING: "#a0a0a0",
}


def _dashboard_chart(dashboard: LetterDashboard):
    """Stack each day's signatures: approved at the bottom, pending on top."""
    states = list(reversed(CHARTED_STATES))
    return stacked_bar_chart(
        columns=[
            Column(
                label=date_format(day.day, "j M"),
                values=tuple(getattr(day, state.value) for state in states),
            )
            for day in dashboard.days
        ],
        series=[
            Series(label=str(state.label), colour=CHART_COLOURS[state])
            for state in states
        ],
    )


@admin.register(LetterTally)
class LetterTallyAdmin(admin.ModelAdmin):
    list_display = ["letter", "public_count", "updated_at"]
    actions = ["recount"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_recount_permission(self, request):
        return request.user.has_perm("signatories.change_signature")

    # A write (to the tally), though it only repairs: for those who may change
    # signatures, not for anyone who may look at the counts.
    @admin.action(description=_("Recount from the signatures"), permissions=["recount"])
    def recount(self, request, queryset):
        for tally in queryset.select_related("letter"):
            services.letter_recount(letter=tally.letter)
        self.message_user(request, _("Counts recomputed."))


class NewsletterTextInline(admin.StackedInline):
    """A newsletter's subject and text per language: its languages are these."""

    model = NewsletterText
    fields = ["language", "subject", "body"]
    extra = 0
    min_num = 1
    max_num = len(settings.LANGUAGES)

    # Once sending starts the texts are what went out: nobody edits them.
    def _is_draft(self, obj) -> bool:
        return obj is None or obj.state == NewsletterState.DRAFT

    def has_add_permission(self, request, obj=None):
        return self._is_draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._is_draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._is_draft(obj) and super().has_delete_permission(request, obj)


@admin.register(Newsletter)
class NewsletterAdmin(admin.ModelAdmin):
    """Write an update per language, preview it, send it once; then its record."""

    list_display = [
        "__str__",
        "letter",
        "state",
        "languages_column",
        "recipients_count",
        "sent_at",
        "sent_by",
    ]
    list_filter = ["state", "letter"]
    list_select_related = ["letter", "sent_by"]
    inlines = [NewsletterTextInline]
    RECORD_FIELDS = [
        "state",
        "created_by",
        "created_at",
        "sent_by",
        "send_started_at",
        "sent_at",
        "recipients_count",
        "delivery",
    ]
    fields = ["letter", *RECORD_FIELDS]
    readonly_fields = RECORD_FIELDS
    change_form_template = "admin/signatories/newsletter/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("texts")

    def get_fields(self, request, obj=None):
        return self.fields if obj is not None else ["letter"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.state != NewsletterState.DRAFT:
            return self.fields  # the record of a send stays as it was
        return super().get_readonly_fields(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.state != NewsletterState.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def has_send_permission(self, request) -> bool:
        return request.user.has_perm("signatories.send_newsletter")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        context["can_send"] = (
            obj is not None
            and obj.state == NewsletterState.DRAFT
            and self.has_send_permission(request)
        )
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    @admin.display(description=_("languages"))
    def languages_column(self, obj):
        return ", ".join(sorted(text.language for text in obj.texts.all())) or "—"

    @admin.display(description=_("delivery"))
    def delivery(self, obj):
        if obj is None or obj.pk is None or obj.state == NewsletterState.DRAFT:
            return "—"
        labels = dict(EmailState.choices)
        counts = newsletters.newsletter_delivery(newsletter=obj)
        return (
            "; ".join(f"{labels[state]}: {n}" for state, n in sorted(counts.items()))
            or "—"
        )

    def get_urls(self):
        return [
            path(
                "<int:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="signatories_newsletter_preview",
            ),
            path(
                "<int:object_id>/send/",
                self.admin_site.admin_view(self.send_view),
                name="signatories_newsletter_send",
            ),
            *super().get_urls(),
        ]

    def _context(self, request, newsletter, title) -> dict:
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "original": newsletter,
            "newsletter": newsletter,
        }

    def preview_view(self, request, object_id: int):
        """Each language's email as its recipients will get it."""
        newsletter = get_object_or_404(
            Newsletter.objects.select_related("letter"), pk=object_id
        )
        if not self.has_view_permission(request, newsletter):
            raise PermissionDenied
        names = dict(settings.LANGUAGES)
        previews = [
            {
                "language": names.get(language, language),
                "subject": message.subject,
                "text": message.body,
                "html": newsletters.message_html(message),
                "headers": message.extra_headers,
            }
            for language, message in newsletters.newsletter_preview(
                newsletter=newsletter
            )
            if message is not None
        ]
        context = self._context(request, newsletter, _("Preview: %s") % newsletter)
        context["previews"] = previews
        return TemplateResponse(
            request, "admin/signatories/newsletter/preview.html", context
        )

    def send_view(self, request, object_id: int):
        """Show who would get the newsletter; on confirmation, send it."""
        if not self.has_send_permission(request):
            raise PermissionDenied
        newsletter = get_object_or_404(
            Newsletter.objects.select_related("letter"), pk=object_id
        )
        change_url = reverse(
            "admin:signatories_newsletter_change", args=[newsletter.pk]
        )
        if request.method == "POST":
            try:
                started = newsletters.newsletter_send(
                    newsletter_id=newsletter.pk, user=request.user
                )
            except newsletters.NewsletterEmpty:
                self.message_user(
                    request,
                    _("Write the newsletter in at least one language first."),
                    messages.ERROR,
                )
                return redirect(change_url)
            if started:
                self.message_user(
                    request,
                    _("The newsletter is being sent; the count shows here when done."),
                    messages.SUCCESS,
                )
            else:
                self.message_user(
                    request,
                    _("This newsletter was already sent; nobody gets it twice."),
                    messages.WARNING,
                )
            return redirect(change_url)
        names = dict(settings.LANGUAGES)
        counts = newsletters.newsletter_recipient_counts(newsletter=newsletter)
        context = self._context(request, newsletter, _("Send: %s") % newsletter)
        context |= {
            "is_draft": newsletter.state == NewsletterState.DRAFT,
            "counts": [(names.get(code, code), n) for code, n in counts.items()],
            "total": sum(counts.values()),
            "change_url": change_url,
        }
        return TemplateResponse(
            request, "admin/signatories/newsletter/send.html", context
        )


@admin.register(DeliveryPack)
class DeliveryPackAdmin(admin.ModelAdmin):
    """The letters' delivery packs: every letter with a PDF link per language.

    The packs are built by a task and kept while current (``services
    .delivery_pack_request``); this admin only asks for them and hands them out.
    """

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return user_may_download_packs(request.user)

    def has_module_permission(self, request):
        return user_may_download_packs(request.user)

    def get_urls(self):
        return [
            path(
                "letter/<int:letter_id>/<str:language>/",
                self.admin_site.admin_view(self.download_view),
                name="signatories_deliverypack_download",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        """Each letter (or the one in ``?letter=``) with its packs' state."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        letters = Letter.objects.all()
        letter_id = request.GET.get("letter", "")
        if letter_id:
            if not letter_id.isdigit():
                raise Http404
            letters = letters.filter(pk=letter_id)
        letters = list(letters)
        packs = {
            (pack.letter_id, pack.language): pack
            for pack in DeliveryPack.objects.filter(letter__in=letters)
        }
        rows = [
            {
                "letter": letter,
                "packs": [
                    {
                        "language": translation.get_language_info(code)["name_local"],
                        "code": code,
                        "pack": packs.get((letter.pk, code)),
                    }
                    for code, _name in settings.LANGUAGES
                ],
            }
            for letter in letters
        ]
        return TemplateResponse(
            request,
            "admin/signatories/deliverypack/change_list.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Delivery packs"),
                "opts": self.model._meta,
                "rows": rows,
                "ready": DeliveryPackState.READY,
                "building": DeliveryPackState.BUILDING,
                "failed": DeliveryPackState.FAILED,
                **(extra_context or {}),
            },
        )

    def download_view(self, request, letter_id: int, language: str):
        """The current PDF, or a page saying it is being prepared (and queueing it)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if language not in dict(settings.LANGUAGES):
            raise Http404
        letter = get_object_or_404(Letter, pk=letter_id)
        retry = request.GET.get("retry") == "1"
        pack = services.delivery_pack_request(
            letter=letter, language=language, retry=retry
        )
        if pack.state == DeliveryPackState.READY:
            try:
                file = pack_storage().open(pack.file_name, "rb")
            except FileNotFoundError:  # deleted a moment ago: a signer left
                pack = services.delivery_pack_request(letter=letter, language=language)
            else:
                return FileResponse(
                    file,
                    as_attachment=True,
                    filename=f"{letter.slug}-{language}.pdf",
                    content_type="application/pdf",
                )
        building = pack.state == DeliveryPackState.BUILDING
        return TemplateResponse(
            request,
            "admin/signatories/deliverypack/preparing.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Delivery pack (PDF)"),
                "opts": self.model._meta,
                "letter": letter,
                "language": translation.get_language_info(language)["name_local"],
                "pack": pack,
                "building": building,
            },
            # 202: accepted, the file comes later. A failure is a page, not a 500.
            status=202 if building else 200,
        )
