from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from parler.admin import TranslatableAdmin, TranslatableStackedInline

from .models import (
    Letter,
    PublicationStatus,
    Recommendation,
    RecommendationStatusChange,
    Update,
)
from .services import letters_set_status, recommendation_set_status


class RecommendationInline(TranslatableStackedInline):
    model = Recommendation
    extra = 0
    fields = ["number", "title", "body", "status", "status_changed_on", "response"]


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
        # Status changes made in the inline go into each recommendation's history.
        for inline_form in formset.forms:
            instance = inline_form.instance
            added = not inline_form.initial
            if instance.pk and ("status" in inline_form.changed_data or added):
                recommendation_set_status(
                    recommendation=instance,
                    status=instance.status,
                    changed_on=instance.status_changed_on,
                )

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
    list_display = ["__str__", "letter", "status", "status_changed_on"]
    list_filter = ["status", "letter"]
    inlines = [StatusHistoryInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "status" in form.changed_data or not change:
            recommendation_set_status(
                recommendation=obj, status=obj.status, changed_on=obj.status_changed_on
            )


@admin.register(Update)
class UpdateAdmin(TranslatableAdmin):
    list_display = ["__str__", "letter", "published_on", "status"]
    list_filter = ["status", "letter"]
    search_fields = ["translations__title"]
