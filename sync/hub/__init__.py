"""The mentor-hospital hub: enrolment, HTTPS ingest, mentor review, replies, indicators."""
