from cms.admin.placeholderadmin import FrontendEditableAdminMixin
from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import (
    Letter,
    LetterContent,
    Recommendation,
    RecommendationStatusChange,
    RecommendationText,
    Update,
    UpdateContent,
)
from .services import (
    letters_unpublish,
    recommendation_set_status,
    recommendation_text_remove,
    recommendation_text_set,
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


class RecommendationStatusForm(forms.ModelForm):
    """Record a status change; the service writes the row and its history."""

    new_status = forms.ChoiceField(
        label=_("new status"),
        choices=[("", "---------"), *Recommendation._meta.get_field("status").choices],
        required=False,
    )
    changed_on = forms.DateField(label=_("status date"), required=False)

    class Meta:
        model = Recommendation
        fields = ["letter", "number"]


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    form = RecommendationStatusForm
    list_display = ["__str__", "letter", "status", "status_changed_on"]
    list_filter = ["status", "letter"]
    readonly_fields = ["status", "status_changed_on"]
    fields = [
        "letter",
        "number",
        "status",
        "status_changed_on",
        "new_status",
        "changed_on",
    ]
    inlines = [StatusHistoryInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        status = form.cleaned_data.get("new_status")
        if status:
            recommendation_set_status(
                recommendation=obj,
                status=status,
                changed_on=form.cleaned_data.get("changed_on"),
            )


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
