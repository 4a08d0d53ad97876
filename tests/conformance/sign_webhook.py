"""Prints the Stripe-Signature header the official Stripe SDK computes for a
payload (stdin) and secret (argv[1]); tests/e2e posts it to the gateway."""

import sys

import stripe

print(stripe.WebhookSignature.generate_signature_header(sys.stdin.read(), sys.argv[1]))
