# SPDX-License-Identifier: GPL-2.0-or-later
"""A stand-in for the SoundCloud API and its CDN (see ../README.md)."""
