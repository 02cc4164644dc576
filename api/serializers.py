"""The shapes of the API's answers (and of its OpenAPI schema). Views build plain dicts from the pages'
own queries; these serializers only render them, so the schema and the answers cannot drift apart."""

from __future__ import annotations

from rest_framework import serializers


def number(**extra):
    return serializers.DecimalField(max_digits=None, decimal_places=None, coerce_to_string=False, allow_null=True,
                                    **extra)


class IndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    unit = serializers.CharField()
    precision = serializers.IntegerField()
    polarity = serializers.CharField()
    frequency = serializers.CharField()
    accumulation = serializers.CharField()
    tolerance = number()
    directorate_id = serializers.IntegerField(allow_null=True)
    directorate = serializers.CharField(allow_blank=True)
    service_area_id = serializers.IntegerField(allow_null=True)
    service_area = serializers.CharField(allow_blank=True)
    commitment = serializers.CharField(allow_blank=True)


class BenchmarkSerializer(serializers.Serializer):
    period = serializers.CharField(help_text="The quarter asked for.")
    locked = serializers.BooleanField(help_text="The quarter is locked: the benchmarks as its lock recorded them.")
    code = serializers.CharField()
    title = serializers.CharField()
    polarity = serializers.CharField()
    year = serializers.CharField(help_text="The year the benchmarks are for: the latest up to the quarter's.")
    council = number()
    england = number()
    statistical_neighbours = number()
    region = number()
    band = serializers.CharField(allow_blank=True, help_text="The council's quartile band, A (the best quarter of "
                                 "local authorities by the indicator's polarity) to D; blank when there is none.")


class TargetSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    year = serializers.CharField(help_text="The financial year (2019/20).")
    period = serializers.CharField(help_text="The quarter the target is for, or the year for an annual target.")
    annual = serializers.BooleanField(help_text="The target is the year's (an annual or year-end target).")
    target = number()


class FigureSerializer(serializers.Serializer):
    period = serializers.CharField(help_text="The quarter asked for (2019/20 Q1).")
    period_label = serializers.CharField(help_text="The period the figure is for (an annual one: its year).")
    locked = serializers.BooleanField(help_text="The quarter is locked: every field is as it was reported.")
    code = serializers.CharField()
    title = serializers.CharField()
    directorate_id = serializers.IntegerField(allow_null=True)
    directorate = serializers.CharField(allow_blank=True)
    service_area_id = serializers.IntegerField(allow_null=True)
    service_area = serializers.CharField(allow_blank=True)
    unit = serializers.CharField(allow_blank=True)
    value = number()
    target = number()
    previous = number()
    status = serializers.CharField()
    rule_status = serializers.CharField(allow_null=True,
                                        help_text="What the rules gave, where the performance officer reported another status.")
    override_reason = serializers.CharField(allow_blank=True)
    rag = serializers.CharField(allow_null=True)
    direction = serializers.CharField()
    draft = serializers.BooleanField()
    not_submitted = serializers.BooleanField()
    commentary = serializers.CharField(allow_blank=True)


class KeyIndicatorStatusSerializer(serializers.Serializer):
    period = serializers.CharField()
    status = serializers.CharField()
    rag = serializers.CharField(allow_null=True, allow_blank=True)


class KeyIndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    statuses = KeyIndicatorStatusSerializer(many=True)


class RiskSerializer(serializers.Serializer):
    period = serializers.CharField()
    locked = serializers.BooleanField()
    reference = serializers.CharField()
    title = serializers.CharField()
    register = serializers.CharField(allow_blank=True)
    kind = serializers.CharField(allow_blank=True)
    directorate_id = serializers.IntegerField(allow_null=True)
    directorate = serializers.CharField(allow_blank=True)
    service_area_id = serializers.IntegerField(allow_null=True)
    service_area = serializers.CharField(allow_blank=True)
    exempt = serializers.BooleanField()
    detail_withheld = serializers.BooleanField(help_text="An exempt risk whose detail is in Part B, which the caller may not read.")
    reviewed_in = serializers.CharField(allow_null=True, help_text="The quarter of the review shown.")
    reviewed_this_quarter = serializers.BooleanField()
    likelihood = serializers.IntegerField(allow_null=True)
    impact = serializers.IntegerField(allow_null=True)
    rating = serializers.IntegerField(allow_null=True)
    rating_level = serializers.CharField(allow_blank=True)
    tolerance_likelihood = serializers.IntegerField(allow_null=True)
    tolerance_impact = serializers.IntegerField(allow_null=True)
    tolerance_rating = serializers.IntegerField(allow_null=True)
    tolerance_level = serializers.CharField(allow_blank=True)
    inherent_likelihood = serializers.IntegerField(allow_null=True)
    inherent_impact = serializers.IntegerField(allow_null=True)
    inherent_rating = serializers.IntegerField(allow_null=True)
    previous_rating = serializers.IntegerField(allow_null=True)
    travel = serializers.CharField(allow_blank=True)
    outside_tolerance = serializers.BooleanField()
    outside_appetite = serializers.BooleanField(allow_null=True)
    appetite_level = serializers.CharField(allow_blank=True)
    accepted_until = serializers.DateField(allow_null=True)
    acceptance_expired = serializers.BooleanField()
    scheme = serializers.CharField(allow_blank=True)
    description = serializers.CharField(allow_null=True)
    causes = serializers.CharField(allow_null=True)
    consequences = serializers.CharField(allow_null=True)
    risk_owner = serializers.CharField(allow_null=True)
    action_owner = serializers.CharField(allow_null=True)
    controls = serializers.CharField(allow_null=True)
    actions = serializers.CharField(allow_null=True)
    key_risk_indicators = KeyIndicatorSerializer(many=True)


class ControlSerializer(serializers.Serializer):
    reference = serializers.CharField()
    period = serializers.CharField()
    control = serializers.CharField(allow_blank=True)
    owner = serializers.CharField(allow_blank=True)
    type = serializers.CharField(allow_blank=True)
    line = serializers.CharField(allow_blank=True)
    assurance = serializers.CharField(allow_blank=True)
    assurance_source = serializers.CharField(allow_blank=True)
    last_tested = serializers.CharField(allow_blank=True)
    next_test_due = serializers.CharField(allow_blank=True)
    risk_title = serializers.CharField(allow_blank=True)
    rating = serializers.CharField(allow_blank=True)
    level = serializers.CharField(allow_blank=True)


class LinkedRiskSerializer(serializers.Serializer):
    reference = serializers.CharField()
    title = serializers.CharField(allow_blank=True)


class AuditActionSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    source = serializers.CharField()
    recommendation = serializers.CharField()
    priority = serializers.CharField(allow_blank=True)
    agreed_action = serializers.CharField(allow_blank=True)
    owner = serializers.CharField(allow_blank=True)
    due = serializers.DateField(allow_null=True)
    revised_due = serializers.DateField(allow_null=True)
    revision_reason = serializers.CharField(allow_blank=True)
    status = serializers.CharField()
    state = serializers.CharField()
    implemented_on = serializers.DateField(allow_null=True)
    days_overdue = serializers.IntegerField()
    risks = LinkedRiskSerializer(many=True)


class PlacementSerializer(serializers.Serializer):
    period = serializers.CharField()
    heading = serializers.CharField()
    category = serializers.CharField()
    provision = serializers.CharField()
    children = serializers.IntegerField(allow_null=True)
    average_weekly_cost = number()
    annual_cost = number()


class PlacementTotalsSerializer(serializers.Serializer):
    period = serializers.CharField()
    locked = serializers.BooleanField()
    children = serializers.IntegerField()
    annual_cost = number()
    average_weekly_cost = number()
    in_house = serializers.IntegerField()
    external = serializers.IntegerField()
    in_house_percent = number()
    foster_in_house = serializers.IntegerField()
    foster_external = serializers.IntegerField()
    foster_in_house_percent = number()
    target_in_house_percent = number()


class ObjectiveSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    objective = serializers.CharField()
    assessed_in = serializers.CharField(allow_null=True,
                                        help_text="The quarter of the assessment shown: the latest in or before the "
                                                  "period (null: never assessed).")
    state = serializers.CharField(allow_null=True, help_text="draft, submitted or signed_off.")
    not_reported = serializers.BooleanField(help_text="The assessment shown is of a locked quarter and was never "
                                                      "signed off: it reads not reported (rag and assessment null).")
    rag = serializers.CharField(allow_null=True, help_text="On track, At risk or Off track (null: none).")
    colour = serializers.CharField(allow_null=True, help_text="The RAG's colour: Green, Amber or Red.")
    assessment = serializers.CharField(allow_null=True,
                                       help_text="At closure: Achieved, Achieved in part or Not achieved.")


class ProgrammeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    directorate_id = serializers.IntegerField()
    directorate = serializers.CharField()
    service_area_id = serializers.IntegerField(allow_null=True)
    service_area = serializers.CharField(allow_blank=True)
    sponsor = serializers.CharField(allow_blank=True)
    senior_responsible_owner = serializers.CharField(allow_blank=True)
    manager = serializers.CharField(allow_blank=True)
    mandate_date = serializers.DateField(allow_null=True)
    planned_closure = serializers.DateField(allow_null=True)
    approved_closure = serializers.DateField(allow_null=True)
    actual_closure = serializers.DateField(allow_null=True)
    status = serializers.CharField(help_text="mandated, running or closed.")
    period = serializers.CharField(allow_null=True, help_text="The quarter asked for (null: the council has none).")
    savings_period = serializers.CharField(
        allow_null=True, help_text="The quarter the savings are as reported in: the programme's newest with savings "
                                   "reported in or before the period (null: none; the totals are then null).")
    savings_tolerance = number(help_text="The per cent a forecast may fall short and be At risk (15 unless set).")
    savings_planned = number(help_text="Pounds: the planned savings of the lines reported in savings_period.")
    savings_forecast = number(help_text="Pounds: their forecast (a line with no forecast counts its plan).")
    savings_delivered = number(help_text="Pounds: delivered so far (a line with none entered counts nothing).")
    savings_at_risk = number(help_text="Pounds: the planned savings of the lines reported At risk or Undeliverable.")
    objectives = ObjectiveSerializer(many=True)


class SavingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    programme_id = serializers.IntegerField()
    programme = serializers.CharField()
    directorate_id = serializers.IntegerField()
    directorate = serializers.CharField()
    year = serializers.CharField(help_text="The financial year the saving falls in (2019/20).")
    period = serializers.CharField(help_text="The quarter it was reported in (2019/20 Q1).")
    locked = serializers.BooleanField(help_text="That quarter is locked.")
    planned = number(help_text="Pounds.")
    forecast = number(help_text="Pounds (null: not entered; the rules then read the plan).")
    delivered = number(help_text="Pounds (null: not entered).")
    rag = serializers.CharField(help_text="As reported: the RAG entered, else the rules' from the amounts "
                                          "(Delivered, On track, At risk, Undeliverable).")
    colour = serializers.CharField(help_text="The RAG's colour: Blue, Green, Amber or Red.")
    owner = serializers.CharField(allow_blank=True)
    forum = serializers.CharField(allow_blank=True)
