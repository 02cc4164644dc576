from django.urls import path

from . import views, views_assurance, views_audit_actions, views_controls

app_name = "risks"

urlpatterns = [
    path("", views.register, name="register"),
    path("heat-map/", views.heatmap, name="heatmap"),
    path("summary/", views.summary, name="summary"),
    path("export.<str:fmt>", views.export, name="export"),
    path("schemes/", views.schemes, name="schemes"),
    path("appetite/", views.appetite_statement, name="appetite"),
    path("deep-dives/", views.deep_dives, name="deep_dives"),
    path("assurance/", views_assurance.assurance_map, name="assurance_map"),
    path("assurance/export.<str:fmt>", views_assurance.assurance_export, name="assurance_export"),
    path("audit-actions/export.<str:fmt>", views_audit_actions.audit_actions_export, name="audit_actions_export"),
    path("audit-actions/", views_audit_actions.audit_actions_list, name="audit_actions"),
    path("audit-actions/new/", views_audit_actions.audit_action_new, name="audit_action_new"),
    path("audit-actions/<str:pk>/", views_audit_actions.audit_action, name="audit_action"),
    path("appetite/new/", views.appetite_edit, name="appetite_new"),
    path("appetite/<int:pk>/", views.appetite_edit, name="appetite_edit"),
    path("new/", views.risk_edit, name="new"),
    path("<str:reference>/", views.risk_detail, name="risk"),
    path("<str:reference>/edit/", views.risk_edit, name="edit"),
    path("<str:reference>/review/<str:period>/", views.review, name="review"),
    path("<str:reference>/move/<str:direction>/", views.risk_move, name="move"),
    path("<str:reference>/status/<str:status>/", views.risk_status, name="status"),
    path("<str:reference>/actions/", views.action_add, name="action_add"),
    path("<str:reference>/indicators/", views.risk_indicators, name="indicators"),
    path("<str:reference>/controls/<str:period>/", views_controls.controls_page, name="controls"),
    path("<str:reference>/controls/<str:period>/add/", views_controls.control_edit, name="control_add"),
    path("<str:reference>/controls/<str:period>/<int:pk>/", views_controls.control_edit, name="control_edit"),
    path("<str:reference>/accept/", views_controls.accept, name="accept"),
]
