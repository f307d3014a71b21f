from django.urls import path

from . import filing_views, notice_views, pool_views, public_views, review_views, revocation_views, views

app_name = "certification"
urlpatterns = [
    path("calculator/", views.calculator, name="calculator"),
    path("calculator/result/", views.calculator_result, name="calculator_result"),
    # Cultivation pool (培育库): district and city officials
    path("pool/", pool_views.pool_list, name="pool"),
    path("pool/<int:pk>/add/", pool_views.pool_add_view, name="pool_add"),
    path("pool/<int:pk>/remove/", pool_views.pool_remove_view, name="pool_remove"),
    path("pool/<int:pk>/estimate/", pool_views.pool_estimate, name="pool_estimate"),
    # The enterprise's online filing
    path("filings/", filing_views.filing_list, name="filing_list"),
    path("filings/start/", filing_views.filing_start, name="filing_start"),
    path("filings/<int:pk>/", filing_views.filing_detail, name="filing_detail"),
    path("filings/<int:pk>/step/<slug:step>/", filing_views.filing_step, name="filing_step"),
    path("filings/<int:pk>/score/<slug:step>/", filing_views.filing_score, name="filing_score"),
    path("filings/<int:pk>/withdraw/", filing_views.filing_withdraw, name="filing_withdraw"),
    path("attachments/<int:pk>/download/", filing_views.attachment_download, name="attachment_download"),
    # Officials' review (district and city)
    path("review/", review_views.review_list, name="review_list"),
    path("review/<int:pk>/", review_views.review_detail, name="review_detail"),
    path("review/<int:pk>/return/", review_views.review_return, name="review_return"),
    path("review/<int:pk>/on-site/require/", review_views.review_require_on_site, name="review_require_on_site"),
    path("review/<int:pk>/on-site/record/", review_views.review_record_on_site, name="review_record_on_site"),
    path("review/<int:pk>/recommend/", review_views.review_recommend, name="review_recommend"),
    path("review/<int:pk>/reject/", review_views.review_reject, name="review_reject"),
    # Notice batches (city officials)
    path("batches/", notice_views.batch_list, name="batch_list"),
    path("batches/new/", notice_views.batch_create, name="batch_create"),
    path("batches/end-date/", notice_views.batch_end_date, name="batch_end_date"),
    path("batches/<int:pk>/", notice_views.batch_detail, name="batch_detail"),
    path("batches/<int:pk>/register-due/", notice_views.batch_register_due, name="batch_register_due"),
    path("objections/<int:pk>/decide/", notice_views.objection_decide, name="objection_decide"),
    path("calendar/", notice_views.calendar_overrides, name="calendar_overrides"),
    path("calendar/<int:pk>/delete/", notice_views.calendar_override_delete, name="calendar_override_delete"),
    # Public pages
    path("notices/", public_views.notices, name="notices"),
    path("notices/<int:pk>/objection/", public_views.objection_create, name="objection_create"),
    path("lookup/", public_views.lookup, name="lookup"),
    # Revocation procedure (撤销): officials, the enterprise's defence, the public announcements
    path("revocations/", revocation_views.revocation_list, name="revocation_list"),
    path("review/<int:pk>/revocation/new/", revocation_views.revocation_start, name="revocation_start"),
    path("revocations/<int:pk>/", revocation_views.revocation_detail, name="revocation_detail"),
    path("revocations/<int:pk>/decide/", revocation_views.revocation_decide, name="revocation_decide"),
    path("revocations/<int:pk>/defence/", revocation_views.revocation_defend, name="revocation_defend"),
    path("revocations/<int:pk>/attachment/", revocation_views.revocation_attachment, name="revocation_attachment"),
    path("revocations/announcements/", revocation_views.revocations_public, name="revocations_public"),
]
