"""Crawling: Scrapy spiders that run in their own process and write crawl items as JSON lines."""
