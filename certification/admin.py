"""Admin of filings, notices, registrations, revocations, spot checks and pool estimates; workflow data is
read-only."""

from django.contrib import admin

from certification.models.campaign import EvaluationCampaign
from smeportal.admin_mixins import ReadOnlyAdminMixin

from .models import (
    Application,
    ApplicationAttachment,
    ApplicationEvent,
    CalendarOverride,
    DeadlineChange,
    IntellectualProperty,
    NoticeBatch,
    Objection,
    PoolEstimate,
    RDProject,
    Registration,
    RegistrationSequence,
    Revocation,
    SpotCheck,
    SpotCheckDraw,
)


class ApplicationEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ApplicationEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "actor", "from_state", "to_state", "comment", "field_comments"]
    readonly_fields = fields
    ordering = ["created_at", "id"]


def _is_draft(application: Application | None) -> bool:
    # None asks about filings in general (the list, the menu), not about one filing.
    return application is None or application.state == Application.State.DRAFT


class DraftItemsInlineMixin:
    """A filing's own items change with it while it is a draft; once submitted they are what was reviewed
    (and frozen in its snapshot), changed only by the enterprise through a return and a resubmission."""

    def has_add_permission(self, request, obj=None):
        return _is_draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return _is_draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _is_draft(obj) and super().has_delete_permission(request, obj)


class IntellectualPropertyInline(DraftItemsInlineMixin, admin.TabularInline):
    model = IntellectualProperty
    extra = 0
    fields = [
        "kind",
        "number",
        "title",
        "granted_on",
        "in_force",
        "held_by_enterprise",
        "related_to_main_products",
        "disputed",
    ]


class RDProjectInline(DraftItemsInlineMixin, admin.TabularInline):
    model = RDProject
    extra = 0
    fields = ["name", "started_on", "ended_on", "budget", "expense_last_year"]


class ApplicationAttachmentInline(ReadOnlyAdminMixin, admin.TabularInline):
    # Files are uploaded through the filing pages (content-checked); the admin only lists them.
    model = ApplicationAttachment
    extra = 0
    can_delete = False
    fields = ["kind", "original_name", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "evaluation_year", "state", "submitted_on", "first_time_applicant"]
    list_filter = ["state", "evaluation_year", "managing_district", "evaluating_district"]
    search_fields = ["enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise"]
    # The enterprise and year are fixed when the filing is opened, the state, the on-site check and the
    # decision are set by the review's transitions, which record them on the timeline; a filing enters a
    # batch, and takes its place in the public list, only by publishing (services.notice).
    readonly_fields = [
        "enterprise",
        "evaluation_year",
        "state",
        "on_site_checked_on",
        "on_site_check_passed",
        "on_site_check_note",
        "decision_reason",
        "managing_district",
        "notice_batch",
        "notice_position",
        "snapshot",
        "submitted_on",
        "last_submitted_on",
        "recommended_on",
        "first_time_applicant",
        "evaluating_district",
        "created_at",
        "created_by",
        "updated_at",
        "updated_by",
    ]
    inlines = [IntellectualPropertyInline, RDProjectInline, ApplicationAttachmentInline, ApplicationEventInline]

    def has_add_permission(self, request):
        # A filing is opened by its enterprise (filing pages or API), for a year whose filing is open.
        return False

    def has_change_permission(self, request, obj=None):
        # Once submitted, the figures are what the district reviews and the rest is the procedure's: the page
        # only reads, so the admin cannot go around the workflow.
        return _is_draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Submitted filings are never hard-deleted.
        return _is_draft(obj) and super().has_delete_permission(request, obj)


@admin.register(ApplicationEvent)
class ApplicationEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["application", "from_state", "to_state", "actor", "created_at"]
    list_filter = ["to_state"]
    list_select_related = ["application__enterprise", "actor"]
    search_fields = ["application__enterprise__name"]


@admin.register(NoticeBatch)
class NoticeBatchAdmin(admin.ModelAdmin):
    """Only the title can be corrected: the dates and the publication are the notice the public was given
    (a start moved later would shorten it, hiding it would run it unseen)."""

    list_display = ["title", "start_date", "end_date", "published"]
    list_filter = ["published"]
    readonly_fields = ["start_date", "end_date", "published", "created_at", "created_by", "updated_at", "updated_by"]

    def has_add_permission(self, request):
        # Batches move filings into public notice: created through the service only.
        return False


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: adding or removing an override moves the running deadlines, which only the calendar
    page's service does (certification.services.calendar)."""

    list_display = ["date", "kind", "reason", "created_by"]
    list_filter = ["kind"]
    date_hierarchy = "date"


@admin.register(DeadlineChange)
class DeadlineChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["override_date", "override_kind", "override_removed", "batch", "revocation", "old_date", "new_date"]
    list_select_related = ["batch", "revocation"]


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: an objection is decided on the notice's page, where upholding it rejects the filing
    through the workflow (certification.services.notice.objection_decide)."""

    list_display = ["application", "real_name", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["application__enterprise"]
    raw_id_fields = ["application", "batch", "objector", "decided_by"]
    readonly_fields = ["created_at", "created_by", "updated_at", "updated_by"]


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Registrations change only through the procedure: registration after the notice, expiry, and
    revocation with notice, defence and finding (certification.services)."""

    list_display = ["number", "enterprise", "evaluation_year", "valid_until", "revoked_at"]
    list_filter = ["evaluation_year", "revocation_grounds"]
    search_fields = ["number", "enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise"]


@admin.register(RegistrationSequence)
class RegistrationSequenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["evaluation_year", "district_code", "last_serial"]


@admin.register(PoolEstimate)
class PoolEstimateAdmin(admin.ModelAdmin):
    """Officials' quick estimates; the cached score is written by the service, so it is read-only here."""

    list_display = ["enterprise", "evaluation_year", "total_score", "eligible", "distance", "computed_at"]
    list_filter = ["eligible", "evaluation_year"]
    search_fields = ["enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise"]
    raw_id_fields = ["enterprise"]
    readonly_fields = [
        "total_score",
        "eligible",
        "distance",
        "computed_at",
        "created_at",
        "created_by",
        "updated_at",
        "updated_by",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Edits go through the pool page, which reruns the engine and refreshes the cached result.
        return False


@admin.register(Revocation)
class RevocationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Revocations move only through the procedure's services (notice, defence, finding)."""

    list_display = ["registration", "grounds", "state", "noticed_at", "defence_deadline", "decided_at"]
    list_filter = ["state", "grounds"]
    search_fields = ["registration__number", "registration__enterprise__name", "registration__enterprise__credit_code"]
    list_select_related = ["registration__enterprise"]


@admin.register(SpotCheckDraw)
class SpotCheckDrawAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """A year's draw is recorded once, by the spot-check page or the draw_spot_checks command."""

    list_display = ["year", "share", "seed", "population", "excluded", "drawn", "drawn_by", "drawn_at"]
    list_select_related = ["drawn_by"]


@admin.register(SpotCheck)
class SpotCheckAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Results are recorded on the spot-check page (a failure starts the revocation procedure there)."""

    list_display = ["registration", "draw", "district", "state", "checked_at"]
    list_filter = ["draw__year", "state", "district"]
    search_fields = ["registration__number", "registration__enterprise__name", "registration__enterprise__credit_code"]
    list_select_related = ["registration", "draw", "district"]


@admin.register(EvaluationCampaign)
class EvaluationCampaignAdmin(admin.ModelAdmin):
    """City officials keep each year's campaign here or on the campaign page."""

    list_display = ["year", "filing_opens", "filing_closes", "notices_end_by", "spot_checks_due", "summary_due"]
    readonly_fields = ["created_at", "created_by", "updated_at", "updated_by"]
