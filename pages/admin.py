from cms.admin.placeholderadmin import FrontendEditableAdminMixin
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

from .models import (
    Delivery,
    Letter,
    LetterContent,
    Recommendation,
    RecommendationStatus,
    RecommendationStatusChange,
    RecommendationText,
    Response,
    Update,
    UpdateContent,
)
from .services import (
    delivery_delete,
    delivery_record,
    delivery_update,
    letters_unpublish,
    recommendation_set_status,
    recommendation_status_change_check,
    recommendation_text_remove,
    recommendation_text_set,
    response_add,
    response_delete,
    response_update,
)

# A recommendation's status has one write path: the row shows it read-only, and
# the form's "record a status change" fields go through recommendation_set_status.
STATUS_FIELDS = ["status", "status_changed_on", "new_status", "new_status_on"]
STATUS_READONLY = ["status", "status_changed_on"]


class RecommendationStatusForm(forms.ModelForm):
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

    class Meta:
        model = Recommendation
        fields = ["letter", "number"]

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


@admin.register(Letter)
class LetterAdmin(admin.ModelAdmin):
    """The letter's stable record; its text is edited as versions (LetterContent)."""

    list_display = ["__str__", "slug", "status", "languages", "signing_closes"]
    list_filter = ["status", "requires_approval"]
    search_fields = ["slug", "contents__title"]
    readonly_fields = ["status", "languages"]
    actions = ["unpublish"]
    fieldsets = [
        (None, {"fields": ["slug", "published_on", "status", "languages"]}),
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

    @admin.display(description=_("published in"))
    def languages(self, obj) -> str:
        return ", ".join(obj.published_languages or []) or "-"

    # Taking a letter off the site changes it: change permission, not view.
    @admin.action(
        description=_("Take selected letters off the site (every language)"),
        permissions=["change"],
    )
    def unpublish(self, request, queryset):
        changed = letters_unpublish(
            letter_ids=queryset.values_list("pk", flat=True), user=request.user
        )
        self.message_user(
            request,
            ngettext(
                "%d letter taken off the site.",
                "%d letters taken off the site.",
                changed,
            )
            % changed,
            messages.SUCCESS,
        )


class RecommendationTextForm(forms.ModelForm):
    """A recommendation's wording in this version, named by its stable number."""

    number = forms.IntegerField(label=_("number"), min_value=1, max_value=999)

    class Meta:
        model = RecommendationText
        fields = ["number", "title", "body"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["number"].initial = self.instance.recommendation.number


class RecommendationTextInline(admin.StackedInline):
    model = RecommendationText
    form = RecommendationTextForm
    extra = 0
    fields = ["number", "title", "body"]


@admin.register(LetterContent)
class LetterContentAdmin(FrontendEditableAdminMixin, admin.ModelAdmin):
    """A version of a letter's text in one language (djangocms-versioning wraps it).

    Frontend-editable: versioning's Edit / New Draft then opens the draft on its
    page in the CMS's edit mode (with the Publish button), not this form; the
    toolbar's "Letter" menu opens this form over the page (``pages.cms_toolbars``).
    """

    list_display = ["title", "letter", "language"]
    list_filter = ["language", "letter"]
    search_fields = ["title", "letter__slug"]
    inlines = [RecommendationTextInline]
    fieldsets = [
        (None, {"fields": ["letter", "language", "title"]}),
        (_("Text"), {"fields": ["recipient", "sender", "summary", "body"]}),
        (_("This version"), {"fields": ["change_kind", "change_note"]}),
    ]

    def save_formset(self, request, form, formset, change):
        if formset.model is not RecommendationText:
            return super().save_formset(request, form, formset, change)
        # Recommendations keep their identity by number across versions: the
        # service finds or creates the recommendation and sets this version's text.
        # The admin's change message reads what formset.save() would have recorded.
        formset.new_objects = []
        formset.changed_objects = []
        formset.deleted_objects = []
        content = form.instance
        for inline_form in formset.forms:
            if not inline_form.has_changed() and not inline_form.instance.pk:
                continue
            data = inline_form.cleaned_data
            if not data:
                continue
            if data.get("DELETE"):
                recommendation_text_remove(
                    content=content, number=inline_form.instance.recommendation.number
                )
                continue
            if inline_form.instance.pk and "number" in inline_form.changed_data:
                recommendation_text_remove(
                    content=content, number=inline_form.instance.recommendation.number
                )
            recommendation_text_set(
                content=content,
                number=data["number"],
                title=data["title"],
                body=data.get("body", ""),
            )


class StatusHistoryInline(admin.TabularInline):
    model = RecommendationStatusChange
    extra = 0
    readonly_fields = ["status", "changed_on", "recorded_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    form = RecommendationStatusForm
    list_display = ["__str__", "letter", "status", "status_changed_on"]
    list_filter = ["status", "letter"]
    fields = ["letter", "number", *STATUS_FIELDS]
    readonly_fields = STATUS_READONLY
    inlines = [StatusHistoryInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record_status_change(form)


@admin.register(Update)
class UpdateAdmin(admin.ModelAdmin):
    list_display = ["__str__", "letter", "published_on", "status"]
    list_filter = ["status", "letter"]
    search_fields = ["contents__title"]
    readonly_fields = ["status"]
    fields = ["letter", "published_on", "status"]


@admin.register(UpdateContent)
class UpdateContentAdmin(admin.ModelAdmin):
    """A version of an update's text in one language (djangocms-versioning wraps it)."""

    list_display = ["title", "update", "language"]
    list_filter = ["language"]
    search_fields = ["title"]
    fields = ["update", "language", "title", "body"]


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
