@echo off
rem Các việc của hồ sơ “Đơn vị học tập”: nháy đúp tệp này để có menu (trình soạn thảo, lập hồ sơ, đơn vị mới,
rem năm mới, danh sách Excel, kiểm tra, thư mục kết quả). Mọi việc do lap-ho-so.cmd làm: menu.cmd /thu để chạy thử.
call "%~dp0lap-ho-so.cmd" menu %*
exit /b %ERRORLEVEL%
