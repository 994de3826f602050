-- wrk script: GET one page (the path comes from the command line URL) and report percentiles.
dofile("bench/report.lua")
