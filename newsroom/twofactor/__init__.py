"""Two-factor login for the desk (django-otp): an authenticator app (TOTP) plus recovery codes.

After the password, a user who has a device gives a code from it; a user whose role requires
a second factor (STAFF_2FA_REQUIRED: superusers and whoever can publish stories or moderate
comments) but has no device is sent to enrol one. Until then the session is only half logged
in: no admin page but these steps, and the public site treats it as a reader (see middleware).
"""
