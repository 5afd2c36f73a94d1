from datetime import timedelta
from urllib.parse import urlsplit

from django.contrib import admin, messages
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .csv_export import signatures_csv
from .forms import RejectForm
from .models import LetterTally, Signature, SignatureStatus


def domain_matches(signature: Signature) -> bool:
    """Whether the contact email's domain is the website's (ignoring www.)."""
    email_domain = signature.email_normalised.rpartition("@")[2]
    host = (urlsplit(signature.website).hostname or "").lower()
    host = host.removeprefix("www.")
    return bool(email_domain and host) and (
        email_domain == host or email_domain.endswith(f".{host}")
    )


class EmailStateFilter(admin.SimpleListFilter):
    title = _("email")
    parameter_name = "email"

    def lookups(self, request, model_admin):
        return [("failed", _("Delivery failed")), ("unsent", _("Not sent yet"))]

    def queryset(self, request, queryset):
        if self.value() == "failed":
            return queryset.exclude(email_error="")
        if self.value() == "unsent":
            return queryset.filter(emails_sent=0, email_error="")
        return queryset


@admin.register(Signature)
class SignatureAdmin(admin.ModelAdmin):
    list_display = [
        "display_name_column",
        "letter",
        "status",
        "kind",
        "organisation_type",
        "country",
        "domain_match",
        "is_public",
        "created_at",
        "emails_sent",
        "email_failed",
    ]
    list_filter = [
        "status",
        "letter",
        "kind",
        "organisation_type",
        "is_public",
        "newsletter",
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
        "status",
        "contact_email",  # the confirmed identity; uniqueness and tokens use it
        "email_normalised",
        "language",
        "created_at",
        "confirmed_at",
        "reviewed_at",
        "reviewed_by",
        "rejection_reason",
        "withdrawn_at",
        "emails_requested",
        "emails_sent",
        "email_requested_at",
        "email_sent_at",
        "email_error",
    ]
    fields = [
        "letter",
        "kind",
        "status",
        "organisation",
        "website",
        "country",
        "organisation_type",
        "contact_name",
        "contact_role",
        "contact_email",
        "logo",
        "comment",
        "is_public",
        "newsletter",
        *readonly_fields[4:],
    ]
    change_list_template = "admin/signatories/signature/change_list.html"

    def has_add_permission(self, request):
        return False  # signatures come through the form or the API

    @admin.display(description=_("name"), ordering="organisation")
    def display_name_column(self, obj):
        return obj.display_name or "—"

    @admin.display(description=_("domain match"), boolean=True)
    def domain_match(self, obj):
        return domain_matches(obj)

    @admin.display(description=_("email failed"), boolean=True)
    def email_failed(self, obj):
        return bool(obj.email_error)

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
            *super().get_urls(),
        ]

    def stats_view(self, request):
        """Signatures per day over the last 60 days, as an SVG bar chart (no JS)."""
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


@admin.register(LetterTally)
class LetterTallyAdmin(admin.ModelAdmin):
    list_display = ["letter", "public_count", "updated_at"]
    actions = ["recount"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Recount from the signatures"), permissions=["view"])
    def recount(self, request, queryset):
        for tally in queryset.select_related("letter"):
            services.letter_recount(letter=tally.letter)
        self.message_user(request, _("Counts recomputed."))
