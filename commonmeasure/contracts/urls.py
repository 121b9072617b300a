from django.urls import path

from . import views

urlpatterns = [
    path("", views.contract_list, name="contracts"),
    path("<int:pk>/", views.contract_page, name="contract"),
    path("<int:pk>/statement.xlsx", views.statement_xlsx_view, name="contract_statement_xlsx"),
    path("<int:pk>/statement.pdf", views.statement_pdf_view, name="contract_statement_pdf"),
    path("<int:pk>/achievements/upload/", views.upload_achievements, name="contract_upload"),
    path("<int:pk>/payments/", views.record_payment, name="contract_payment"),
    path("<int:pk>/investors/", views.record_flow, name="contract_flow"),
    path("<int:pk>/publish/", views.publish, name="contract_publish"),
    path("<int:pk>/scenario/", views.scenario_page, name="contract_scenario"),
    path("<int:pk>/scenario/result/", views.scenario_result, name="contract_scenario_result"),
    path("<int:pk>/scenario/sweep/", views.scenario_sweep, name="contract_scenario_sweep"),
]
