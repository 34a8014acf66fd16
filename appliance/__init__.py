"""ClinicBox appliance: everything that runs on the clinic box."""

__version__ = "0.1.0"
