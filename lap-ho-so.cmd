@echo off
rem Lập hồ sơ “Đơn vị học tập” trên Windows: nháy đúp tệp này.
rem Lần đầu tạo môi trường Python (.venv) và cài thư viện; sau đó lập hồ sơ cho mọi tệp trong inputs\
rem rồi mở thư mục outputs trong Explorer. Chạy thử, chỉ in các lệnh sẽ chạy: lap-ho-so.cmd /thu
chcp 65001 >nul
setlocal EnableExtensions
cd /d "%~dp0"
set "RUN="
if /i "%~1"=="/thu" set "RUN=echo [chạy thử]"
set "VENV=.venv"
set "PY=%VENV%\Scripts\python.exe"
set "DVHT=%VENV%\Scripts\dvht.exe"

set "LAUNCHER="
where py >nul 2>nul && set "LAUNCHER=py -3"
if not defined LAUNCHER where python >nul 2>nul && set "LAUNCHER=python"
if not defined LAUNCHER goto :no_python

if exist "%PY%" goto :venv_ready
echo == Lần đầu: tạo môi trường Python %VENV% ...
%RUN% %LAUNCHER% -m venv %VENV%
if errorlevel 1 goto :install_error
:venv_ready

fc /b pyproject.toml "%VENV%\pyproject.installed" >nul 2>nul
if not errorlevel 1 goto :installed
echo == Cài các thư viện cần để lập hồ sơ, lần đầu mất khoảng một phút ...
%RUN% "%PY%" -m pip install --disable-pip-version-check -e .
if errorlevel 1 goto :install_error
%RUN% copy /y pyproject.toml "%VENV%\pyproject.installed" >nul
:installed

echo == Lập hồ sơ cho mọi tệp trong inputs\ ...
%RUN% "%DVHT%" dossier inputs
set "CODE=%ERRORLEVEL%"
if exist outputs %RUN% start "" explorer "%~dp0outputs"
echo.
if "%CODE%"=="0" echo ✓ Xong. Hồ sơ ở thư mục outputs (đã mở trong Explorer).
if not "%CODE%"=="0" echo ✗ Có lỗi: đọc các dòng ở trên, sửa tệp dữ liệu trong inputs\ rồi nháy đúp lại tệp này.
goto :end

:no_python
echo ✗ Máy chưa có Python. Tải Python tại https://www.python.org/downloads/ ,
echo   khi cài nhớ đánh dấu ô "Add python.exe to PATH", rồi nháy đúp lại tệp này.
set "CODE=1"
goto :end

:install_error
echo ✗ Cài đặt không thành công: xem thông báo ở trên. Máy cần kết nối Internet ở lần chạy đầu.
set "CODE=1"
goto :end

:end
if /i not "%~1"=="/thu" pause
exit /b %CODE%
