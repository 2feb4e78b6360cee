"""URL map: public screens, authentication, language choice and the admin."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from avustus.accounts import throttle
from avustus.accounts.identity import oidc_enabled
from avustus.api import api
from avustus.web import applicant, contact, health, history, opendata, project_outputs, projects, reuse, tokens, views
from avustus.web.csp import allow_document_style
from avustus.web.officials import evaluation, later, notifications, proposal, rectification, reviews, screening, setup
from avustus.web.officials import projects as official_projects

admin.site.login_form = throttle.AdminLoginForm  # the admin's own login is throttled the same way

urlpatterns = [
    path("", views.home, name="home"),
    path("rounds/<slug:slug>/", views.round_detail, name="round"),
    path("rounds/<slug:slug>/texts/", views.call_texts, name="call-texts"),
    path("rounds/<slug:slug>/applications/", views.round_applications, name="round-applications"),
    path("decisions/<int:pk>/<str:lang>.<str:fmt>", allow_document_style(views.decision_document),
         name="decision-document"),
    path("applications/find/", views.find_application, name="find-application"),
    path("applications/<str:reference>/", views.application_detail, name="application"),
    path("applications/<str:reference>/history/", history.application_history, name="application-history"),
    path("applications/<str:reference>/letter.<str:lang>.<str:fmt>", allow_document_style(views.application_letter),
         name="letter"),
    path("calls/", applicant.calls, name="calls"),
    path("calls/<slug:slug>/", applicant.call_detail, name="call"),
    path("calls/<slug:slug>/apply/", applicant.start, name="start-application"),
    path("my/applications/", applicant.my_applications, name="my-applications"),
    path("my/applications/<str:reference>/", applicant.my_application, name="my-application"),
    path("my/applications/<str:reference>/receipt/", applicant.receipt, name="receipt"),
    path("my/applications/<str:reference>/copy.pdf", applicant.application_copy, name="application-copy"),
    path("my/applications/<str:reference>/withdraw/", applicant.withdraw, name="withdraw-application"),
    path("my/applications/<str:reference>/attachments/", applicant.add_attachment, name="add-attachment"),
    path("my/applications/<str:reference>/attachments/<int:attachment_id>/", applicant.download_attachment,
         name="attachment"),
    path("my/applications/<str:reference>/attachments/<int:attachment_id>/remove/", applicant.remove_attachment,
         name="remove-attachment"),
    path("my/projects/", projects.my_projects, name="my-projects"),
    path("projects/<str:reference>/", projects.project_detail, name="project"),
    path("projects/<str:reference>/reports/<int:number>/", projects.project_report, name="project-report"),
    path("projects/<str:reference>/reports/<int:number>/attachments/", projects.add_report_attachment,
         name="add-report-attachment"),
    path("projects/<str:reference>/reports/<int:number>/attachments/<int:attachment_id>/", projects.report_attachment,
         name="report-attachment"),
    path("projects/<str:reference>/reports/<int:number>/review/", official_projects.review_report,
         name="review-report"),
    path("projects/<str:reference>/account/", projects.project_account, name="project-account"),
    path("projects/<str:reference>/outputs/", project_outputs.project_outputs, name="project-outputs"),
    path("projects/<str:reference>/outputs/<int:pk>/remove/", project_outputs.remove_project_output,
         name="remove-project-output"),
    path("projects/<str:reference>/outputs/<int:pk>/check/", project_outputs.check_project_output,
         name="check-project-output"),
    path("projects/<str:reference>/schedule/", official_projects.change_schedule, name="project-schedule"),
    path("projects/<str:reference>/accounts/<int:pk>/", official_projects.handle_account, name="handle-account"),
    path("projects/<str:reference>/payments/apply/", projects.apply_payment, name="apply-payment"),
    path("projects/<str:reference>/payments/<int:pk>/", official_projects.handle_payment, name="handle-payment"),
    path("officials/projects/", official_projects.project_calls, name="officials-project-calls"),
    path("rounds/<slug:slug>/projects/", official_projects.call_projects, name="officials-projects"),
    path("officials/", setup.workbench, name="officials"),
    path("officials/calls/new/", setup.create_call, name="officials-create-call"),
    path("rounds/<slug:slug>/setup/", setup.call_setup, name="officials-setup"),
    path("rounds/<slug:slug>/screening/", screening.screening_list, name="officials-screening"),
    path("rounds/<slug:slug>/evaluation/", evaluation.evaluation, name="officials-evaluation"),
    path("rounds/<slug:slug>/proposal/", proposal.proposal, name="officials-proposal"),
    path("rounds/<slug:slug>/decision-preview/", proposal.decision_preview, name="officials-decision-preview"),
    path("rounds/<slug:slug>/proposal/<str:reference>/", proposal.proposal_line, name="officials-proposal-line"),
    path("rounds/<slug:slug>/rectifications/", rectification.rectifications, name="officials-rectifications"),
    path("rounds/<slug:slug>/later/", later.later_decisions, name="officials-later"),
    path("rounds/<slug:slug>/later/<int:pk>/", later.later_preview, name="officials-later-preview"),
    path("applications/<str:reference>/screening/", screening.screen_application, name="officials-screen"),
    path("applications/<str:reference>/documents/<int:attachment_id>/", screening.dossier_attachment,
         name="dossier-attachment"),
    path("decisions/<int:pk>/notifications/", notifications.notifications, name="officials-notifications"),
    path("rectifications/<int:pk>/", rectification.rectification_request, name="officials-rectification"),
    path("reviews/", reviews.my_reviews, name="reviews"),
    path("reviews/<int:pk>/", reviews.review, name="review"),
    path("my/contact/", contact.my_contact, name="my-contact"),
    path("my/api-tokens/", tokens.api_tokens, name="api-tokens"),
    path("my/api-tokens/<int:pk>/revoke/", tokens.revoke_api_token, name="revoke-api-token"),
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/<str:key>/", views.organisation_detail, name="organisation"),
    path("open/", opendata.grants, name="open-grants"),
    path("open/grants.<str:fmt>", opendata.grants_export, name="open-grants-export"),
    path("open/rounds/<slug:slug>/", opendata.round_page, name="open-round"),
    path("open/rounds/<slug:slug>/grants.<str:fmt>", opendata.round_download, name="open-round-export"),
    path("open/organisations/<str:key>/", opendata.organisation_page, name="open-organisation"),
    path("open/programmes/<slug:slug>/", opendata.programme_page, name="open-programme"),
    path("open/outputs/", reuse.outputs, name="open-outputs"),
    path("open/outputs.json", reuse.outputs_json, name="open-outputs-json"),
    path("officials/programmes/<slug:slug>/dashboard/", reuse.dashboard, name="officials-dashboard"),
    path("login/", throttle.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("livez", health.live, name="livez"),
    path("healthz", health.health, name="healthz"),
]

# Error pages in the site's layout and the user's language.
handler400 = views.bad_request
handler403 = views.permission_denied
handler404 = views.page_not_found
handler500 = views.server_error

if oidc_enabled():
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))
