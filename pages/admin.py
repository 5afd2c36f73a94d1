from django import forms
from django.conf import settings
from django.conf.locale import LANG_INFO
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.text import Truncator, format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from parler.admin import TranslatableAdmin, TranslatableStackedInline
from parler.forms import TranslatableModelForm

from .models import (
    Delivery,
    Letter,
    PublicationStatus,
    Recommendation,
    RecommendationStatus,
    RecommendationStatusChange,
    Response,
    Update,
)
from .services import (
    delivery_delete,
    delivery_record,
    delivery_update,
    letters_set_status,
    recommendation_set_status,
    recommendation_status_change_check,
    response_add,
    response_delete,
    response_update,
)

# A recommendation's status has one write path: the row shows it read-only, and
# the form's "record a status change" fields go through recommendation_set_status.
STATUS_FIELDS = ["status", "status_changed_on", "new_status", "new_status_on"]
STATUS_READONLY = ["status", "status_changed_on"]


class RecommendationStatusForm(TranslatableModelForm):
    """A recommendation's form with a dated "record a status change" part."""

    new_status = forms.ChoiceField(
        label=_("Record a status change"),
        required=False,
        choices=[("", _("(no change)")), *RecommendationStatus.choices],
    )
    new_status_on = forms.DateField(
        label=_("Date of the change"),
        required=False,
        widget=AdminDateWidget,
        help_text=_("Empty: today. Not before the last recorded change."),
    )

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("new_status")
        if not status:
            return cleaned
        changed_on = cleaned.get("new_status_on") or timezone.localdate()
        cleaned["new_status_on"] = changed_on
        try:
            recommendation_status_change_check(
                recommendation=self.instance, status=status, changed_on=changed_on
            )
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                field = {"status": "new_status", "changed_on": "new_status_on"}[key]
                self.add_error(field, messages)
        return cleaned


def record_status_change(form) -> None:
    """Record the status change a saved recommendation form asks for, if any."""
    status = form.cleaned_data.get("new_status") if form.is_valid() else None
    if status and form.instance.pk:
        recommendation_set_status(
            recommendation=form.instance,
            status=status,
            changed_on=form.cleaned_data["new_status_on"],
        )


class RecommendationInline(TranslatableStackedInline):
    model = Recommendation
    form = RecommendationStatusForm
    extra = 0
    # The status is read-only: a change is recorded (dated) through the service.
    fields = ["number", "title", "body", *STATUS_FIELDS]
    readonly_fields = STATUS_READONLY


@admin.register(Letter)
class LetterAdmin(TranslatableAdmin):
    list_display = ["__str__", "slug", "status", "published_on", "signing_closes"]
    list_filter = ["status", "requires_approval"]
    search_fields = ["slug", "translations__title"]
    inlines = [RecommendationInline]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "status", "published_on"]}),
        (_("Text"), {"fields": ["recipient", "sender", "summary", "body"]}),
        (
            _("Signing"),
            {
                "fields": [
                    "signing_opens",
                    "signing_closes",
                    "goal",
                    "requires_approval",
                    "allow_individuals",
                ]
            },
        ),
    ]

    def get_prepopulated_fields(self, request, obj=None):
        return {"slug": ("title",)}

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        for inline_form in formset.forms:
            if inline_form in formset.deleted_forms:
                continue
            record_status_change(inline_form)

    # Publishing changes a letter: change permission, not view (Django's default
    # for an action without permissions= is anyone who can see the changelist).
    @admin.action(description=_("Publish selected letters"), permissions=["change"])
    def publish(self, request, queryset):
        changed = letters_set_status(
            letter_ids=queryset.values_list("pk", flat=True),
            status=PublicationStatus.PUBLISHED,
        )
        self.message_user(
            request,
            ngettext("%d letter published.", "%d letters published.", changed)
            % changed,
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Return selected letters to draft"), permissions=["change"]
    )
    def unpublish(self, request, queryset):
        changed = letters_set_status(
            letter_ids=queryset.values_list("pk", flat=True),
            status=PublicationStatus.DRAFT,
        )
        self.message_user(
            request,
            ngettext(
                "%d letter returned to draft.", "%d letters returned to draft.", changed
            )
            % changed,
            messages.SUCCESS,
        )


class StatusHistoryInline(admin.TabularInline):
    model = RecommendationStatusChange
    extra = 0
    readonly_fields = ["status", "changed_on", "recorded_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Recommendation)
class RecommendationAdmin(TranslatableAdmin):
    form = RecommendationStatusForm
    list_display = ["__str__", "letter", "status", "status_changed_on"]
    list_filter = ["status", "letter"]
    fields = ["letter", "number", "title", "body", *STATUS_FIELDS]
    readonly_fields = STATUS_READONLY
    inlines = [StatusHistoryInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record_status_change(form)


@admin.register(Update)
class UpdateAdmin(TranslatableAdmin):
    list_display = ["__str__", "letter", "published_on", "status"]
    list_filter = ["status", "letter"]
    search_fields = ["translations__title"]


# ---------------------------------------------------------------------------
# The recommendation tracker and the delivery record (issues 15 and 16): their
# own admin pages, so editors add them without touching the letter's text. Every
# save and delete goes through pages.services.
# ---------------------------------------------------------------------------

TRANSLATION_PREFIX = "translation_"


class _ResponseAdminForm(forms.ModelForm):
    """A response, with one optional translation field per site language."""

    class Meta:
        model = Response
        fields = [
            "letter",
            "recommendation",
            "date",
            "language",
            "text",
            "evidence_url",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, text in (self.instance.text_translations or {}).items():
            self.initial.setdefault(TRANSLATION_PREFIX + code, text)
        self.fields["recommendation"].queryset = Recommendation.objects.select_related(
            "letter"
        ).order_by("letter", "number")
        self.fields["recommendation"].label_from_instance = lambda rec: (
            f"{rec.letter}: {rec}"
        )

    def text_translations(self) -> dict[str, str]:
        return {
            code: self.cleaned_data.get(TRANSLATION_PREFIX + code, "")
            for code, _name in settings.LANGUAGES
        }


# One declared field per site language (the admin checks its field list against
# the form class, so they cannot be added in __init__).
ResponseAdminForm = type(
    "ResponseAdminForm",
    (_ResponseAdminForm,),
    {
        TRANSLATION_PREFIX + code: forms.CharField(
            label=format_lazy("{}: {}", _("Translation"), _(LANG_INFO[code]["name"])),
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
        )
        for code, _name in settings.LANGUAGES
    },
)


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    form = ResponseAdminForm
    list_display = ["date", "letter", "recommendation", "excerpt", "language"]
    list_filter = ["letter", "language"]
    list_select_related = ["letter", "recommendation"]
    search_fields = ["text"]
    date_hierarchy = "date"

    def get_fields(self, request, obj=None):
        return [
            *ResponseAdminForm.Meta.fields,
            *(TRANSLATION_PREFIX + code for code, _name in settings.LANGUAGES),
        ]

    @admin.display(description=_("text"))
    def excerpt(self, obj) -> str:
        return Truncator(obj.text).chars(80)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        fields = {
            "letter": data["letter"],
            "recommendation": data.get("recommendation"),
            "date": data["date"],
            "text": data["text"],
            "language": data["language"],
            "evidence_url": data.get("evidence_url", ""),
            "text_translations": form.text_translations(),
        }
        if change:
            saved = response_update(response_id=obj.pk, **fields)
        else:
            saved = response_add(**fields)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        response_delete(response_id=obj.pk)

    def delete_queryset(self, request, queryset):
        for pk in queryset.values_list("pk", flat=True):
            response_delete(response_id=pk)


class _StoredFile:
    """What the file widget links to: the file's own view, not MEDIA_URL."""

    def __init__(self, name: str, url: str) -> None:
        self.name, self.url = name, url

    def __str__(self) -> str:
        return self.name.rsplit("/", 1)[-1]


class DeliveryFileInput(forms.ClearableFileInput):
    file_url = ""

    def format_value(self, value):
        if self.is_initial(value) and self.file_url:
            return _StoredFile(value.name, self.file_url)
        return super().format_value(value)


class DeliveryAdminForm(forms.ModelForm):
    class Meta:
        model = Delivery
        fields = [
            "letter",
            "date",
            "recipient",
            "channel",
            "file",
            "file_public",
            "note",
        ]
        widgets = {"file": DeliveryFileInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Stored files are not under MEDIA_URL: link the view that serves them.
        if self.instance.pk and self.instance.file:
            self.fields["file"].widget.file_url = self.instance.get_file_url()


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    form = DeliveryAdminForm
    list_display = ["date", "letter", "recipient", "channel", "file_public"]
    list_filter = ["letter", "channel"]
    list_select_related = ["letter"]
    search_fields = ["recipient"]
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        upload = data.get("file")
        fields = {
            "letter": data["letter"],
            "date": data["date"],
            "recipient": data["recipient"],
            "channel": data["channel"],
            "file": upload if isinstance(upload, UploadedFile) else None,
            "file_public": data.get("file_public", False),
            "note": data.get("note", ""),
        }
        if change:
            saved = delivery_update(
                delivery_id=obj.pk, file_clear=upload is False, **fields
            )
        else:
            saved = delivery_record(**fields)
        obj.pk, obj.file = saved.pk, saved.file

    def delete_model(self, request, obj):
        delivery_delete(delivery_id=obj.pk)

    def delete_queryset(self, request, queryset):
        for pk in queryset.values_list("pk", flat=True):
            delivery_delete(delivery_id=pk)
