"""URLs of the certification pages: calculator, pool, filing, review, notice, revocation, spot checks, public."""

from django.urls import path

from .views import (
    calculator,
    campaign,
    filing,
    filing_form,
    history,
    notice,
    pool,
    proof,
    public,
    review,
    revocation,
    spot_check,
)

app_name = "certification"
urlpatterns = [
    path("calculator/", calculator.calculator, name="calculator"),
    path("calculator/result/", calculator.calculator_result, name="calculator_result"),
    # Cultivation pool (培育库): district and city officials
    path("pool/", pool.pool_list, name="pool"),
    path("pool/export/", pool.pool_export, name="pool_export"),
    path("pool/<int:pk>/add/", pool.pool_add_view, name="pool_add"),
    path("pool/<int:pk>/remove/", pool.pool_remove_view, name="pool_remove"),
    path("pool/<int:pk>/estimate/", pool.pool_estimate, name="pool_estimate"),
    # The enterprise's online filing
    path("filings/", filing.filing_list, name="filing_list"),
    path("filings/start/", filing.filing_start, name="filing_start"),
    path("filings/<int:pk>/", filing.filing_detail, name="filing_detail"),
    path("filings/<int:pk>/history/", history.filing_history_page, name="filing_history"),
    path("filings/<int:pk>/step/<slug:step>/", filing_form.filing_step, name="filing_step"),
    path("filings/<int:pk>/score/<slug:step>/", filing_form.filing_score, name="filing_score"),
    path("filings/<int:pk>/withdraw/", filing.filing_withdraw, name="filing_withdraw"),
    path("attachments/<int:pk>/download/", filing.attachment_download, name="attachment_download"),
    # Officials' review (district and city)
    path("review/", review.review_list, name="review_list"),
    path("review/export/", review.review_export, name="review_export"),
    path("review/<int:pk>/", review.review_detail, name="review_detail"),
    path("review/<int:pk>/return/", review.review_return, name="review_return"),
    path("review/<int:pk>/on-site/require/", review.review_require_on_site, name="review_require_on_site"),
    path("review/<int:pk>/on-site/record/", review.review_record_on_site, name="review_record_on_site"),
    path("review/<int:pk>/recommend/", review.review_recommend, name="review_recommend"),
    path("review/<int:pk>/reject/", review.review_reject, name="review_reject"),
    # Yearly campaigns (city officials)
    path("campaigns/", campaign.campaign_list, name="campaign_list"),
    path("campaigns/<int:year>/", campaign.campaign_edit, name="campaign_edit"),
    # Notice batches (city officials)
    path("batches/", notice.batch_list, name="batch_list"),
    path("batches/new/", notice.batch_create, name="batch_create"),
    path("batches/end-date/", notice.batch_end_date, name="batch_end_date"),
    path("batches/<int:pk>/", notice.batch_detail, name="batch_detail"),
    path("batches/<int:pk>/export/", notice.batch_export, name="batch_export"),
    path("batches/<int:pk>/register-due/", notice.batch_register_due, name="batch_register_due"),
    # The proof of a registration (the enterprise and the officials in scope)
    path("registrations/<int:pk>/proof/", proof.registration_proof, name="registration_proof"),
    path("registrations/<int:pk>/proof.pdf", proof.registration_proof_pdf, name="registration_proof_pdf"),
    path("objections/<int:pk>/decide/", notice.objection_decide, name="objection_decide"),
    path("calendar/", notice.calendar_overrides, name="calendar_overrides"),
    path("calendar/<int:pk>/delete/", notice.calendar_override_delete, name="calendar_override_delete"),
    # Public pages
    path("notices/", public.notices, name="notices"),
    path("notices/batches/<int:pk>/", public.notice_batch, name="notice_batch"),
    path("notices/<int:pk>/objection/", public.objection_create, name="objection_create"),
    path("lookup/", public.lookup, name="lookup"),
    # Revocation procedure (撤销): officials, the enterprise's defence, the public announcements
    path("revocations/", revocation.revocation_list, name="revocation_list"),
    path("review/<int:pk>/revocation/new/", revocation.revocation_start, name="revocation_start"),
    path("revocations/<int:pk>/", revocation.revocation_detail, name="revocation_detail"),
    path("revocations/<int:pk>/decide/", revocation.revocation_decide, name="revocation_decide"),
    path("revocations/<int:pk>/defence/", revocation.revocation_defend, name="revocation_defend"),
    path("revocations/<int:pk>/attachment/", revocation.revocation_attachment, name="revocation_attachment"),
    path("revocations/announcements/", revocation.revocations_public, name="revocations_public"),
    # Spot checks (抽查): the city draws, the districts record the results
    path("spot-checks/", spot_check.spot_check_list, name="spot_checks"),
    path("spot-checks/draw/", spot_check.spot_check_draw_view, name="spot_check_draw"),
    path("spot-checks/export/", spot_check.spot_check_export, name="spot_check_export"),
    path("spot-checks/<int:pk>/", spot_check.spot_check_detail, name="spot_check_detail"),
    path("spot-checks/<int:pk>/evidence/", spot_check.spot_check_evidence, name="spot_check_evidence"),
]
