"""The organisers' dashboard: server-rendered pages under /admin/ over the core's `Dashboard`."""

from adapters.web.app import DashboardSite

__all__ = ["DashboardSite"]
