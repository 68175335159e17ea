"""The pieces of bench/run: one module per job.

fixture   the benchmark user and the files it serves
peers     fetching and extracting vsftpd and pure-ftpd (.debs)
servers   starting each daemon on 127.0.0.1 with a generated config
client    a raw-socket FTP client that keeps up with 1+ GB/s
procstat  CPU time and PSS of a server's session processes, from /proc
workloads the measurements, one function per metric
report    medians, ratios, targets and the printed table
"""
