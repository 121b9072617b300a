"""The impact bond database: INDIGO projects, organisations and funds; headline figures."""
