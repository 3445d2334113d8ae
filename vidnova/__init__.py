"""Vidnova: recovery of Ukrainian hromadas through municipal cooperation."""
