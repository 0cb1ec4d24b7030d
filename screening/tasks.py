"""Thin tasks: take ids, call one service. Both services are idempotent, so a redelivery is harmless."""

from typing import Any

from celery import shared_task

from screening.services import screening_run, screening_run_for_person


@shared_task(acks_late=True, name="screening.screen_application")
def screening_screen_application(application_id: int) -> dict[str, Any]:
    return screening_run(application_id=application_id).as_dict()


@shared_task(acks_late=True, name="screening.screen_person")
def screening_screen_person(person_id: int) -> list[dict[str, Any]]:
    return [result.as_dict() for result in screening_run_for_person(person_id=person_id)]
