@echo off
rem Hồ sơ “Đơn vị học tập” trên Windows. Nháy đúp tệp này: mở trình soạn thảo trên trình duyệt.
rem Các việc khác (lập hồ sơ, đơn vị mới, năm mới, danh sách Excel, kiểm tra, thư mục kết quả): nháy đúp menu.cmd.
rem Trong cửa sổ lệnh: lap-ho-so.cmd [VIỆC] [/thu]
rem   VIỆC: web (mặc định), menu, lap-ho-so, don-vi-moi, nam-moi, xuat-excel, nhap-excel, kiem-tra, ket-qua
rem   /thu: chạy thử, chỉ in các lệnh cài đặt và lập hồ sơ sẽ chạy
rem Lần đầu (và khi thư mục bị chuyển chỗ, hoặc Python đổi) tạo lại môi trường .venv và cài thư viện:
rem từ thư mục wheels nếu có (bộ cài ngoại tuyến, make bundle), nếu không thì từ Internet.
chcp 65001 >nul
setlocal EnableExtensions DisableDelayedExpansion
rem pushd, không phải cd: một thư mục trên ổ mạng (\\máy\thư-mục) được gán tạm một ổ đĩa, cd thì không vào được.
pushd "%~dp0"
if errorlevel 1 goto :no_folder
set "RUN="
set "TASK=web"
:args
if "%~1"=="" goto :args_done
if /i "%~1"=="/thu" set "RUN=echo [chạy thử]"
if /i not "%~1"=="/thu" set "TASK=%~1"
shift
goto :args
:args_done
set "LABEL="
if /i "%TASK%"=="web" set "LABEL=web"
if /i "%TASK%"=="menu" set "LABEL=menu"
if /i "%TASK%"=="lap-ho-so" set "LABEL=dossier"
if /i "%TASK%"=="don-vi-moi" set "LABEL=new_unit"
if /i "%TASK%"=="nam-moi" set "LABEL=new_year"
if /i "%TASK%"=="xuat-excel" set "LABEL=staff_export"
if /i "%TASK%"=="nhap-excel" set "LABEL=staff_import"
if /i "%TASK%"=="kiem-tra" set "LABEL=validate"
if /i "%TASK%"=="ket-qua" set "LABEL=open_outputs"
if not defined LABEL goto :bad_task

if not exist "pyproject.toml" goto :not_unzipped
if not exist "tools\venv_stamp.py" goto :not_unzipped
set "VENV=.venv"
set "PY=%VENV%\Scripts\python.exe"
set "STAMP=%VENV%\dvht-stamp.txt"
set "STAMP_NEW=%VENV%-stamp.tmp"
set "DVHT_VIA_CMD=1"
set "CODE=0"

rem Python: 3.13, 3.12, 3.11 qua trình khởi chạy py trước (có trong bộ cài ngoại tuyến), rồi python trong PATH.
set "BASE="
set "FITS_BUNDLE="
set "TOO_OLD="
call :try_python py -3.13
if not defined BASE call :try_python py -3.12
if not defined BASE call :try_python py -3.11
if not defined BASE call :try_python python
if not defined BASE call :try_python py -3
if defined BASE goto :python_found
if defined TOO_OLD goto :python_too_old
if exist "%LOCALAPPDATA%\Microsoft\WindowsApps\python.exe" goto :store_stub
goto :no_python

:python_found
rem Dấu của .venv: thư mục này, Python đã tạo nó (đường dẫn, phiên bản), pyproject.toml. Khác thì tạo lại.
%BASE% tools\venv_stamp.py > "%STAMP_NEW%"
if errorlevel 1 goto :python_broken
if not exist "%PY%" goto :make_venv
fc /b "%STAMP_NEW%" "%STAMP%" >nul 2>nul
if not errorlevel 1 goto :venv_ready
echo == Môi trường %VENV% được tạo ở thư mục khác, với Python khác hoặc phiên bản chương trình khác: tạo lại ...
%RUN% del /f /q "%STAMP%" >nul 2>nul
%RUN% rmdir /s /q "%VENV%" >nul 2>nul
if not defined RUN if exist "%VENV%\" goto :venv_locked

:make_venv
echo == Tạo môi trường Python %VENV% ...
%RUN% %BASE% -m venv "%VENV%"
if errorlevel 1 goto :venv_error
if exist "wheels\*.whl" goto :offline
echo == Cài các thư viện từ Internet, lần đầu mất khoảng một phút ...
%RUN% "%PY%" -m pip install --disable-pip-version-check -e .
if errorlevel 1 goto :online_error
goto :installed
:offline
if not defined FITS_BUNDLE goto :offline_unfit
echo == Cài các thư viện từ thư mục wheels (không cần Internet) ...
%RUN% "%PY%" -m pip install --disable-pip-version-check --no-index --find-links wheels -e .
if errorlevel 1 goto :offline_error
:installed
%RUN% move /y "%STAMP_NEW%" "%STAMP%" >nul
:venv_ready
del /f /q "%STAMP_NEW%" >nul 2>nul
goto :%LABEL%

rem ---------------------------------------------------------------- menu
:menu
echo.
echo ================ HỒ SƠ “ĐƠN VỊ HỌC TẬP” ================
echo   1  Mở trình soạn thảo trên trình duyệt (cả năm ở đó)
echo   2  Lập hồ sơ (Word, PDF) cho mọi tệp trong inputs
echo   3  Đơn vị mới
echo   4  Năm mới (chép từ năm gần nhất)
echo   5  Xuất danh sách thành viên ra Excel
echo   6  Nhập danh sách thành viên từ Excel
echo   7  Kiểm tra dữ liệu
echo   8  Mở thư mục kết quả (outputs)
echo   0  Thoát
echo Nhấn phím số của việc cần làm:
choice /c 123456780 /n
set "PICK=%ERRORLEVEL%"
if "%PICK%"=="1" call :web
if "%PICK%"=="2" call :dossier
if "%PICK%"=="3" call :new_unit
if "%PICK%"=="4" call :new_year
if "%PICK%"=="5" call :staff_export
if "%PICK%"=="6" call :staff_import
if "%PICK%"=="7" call :validate
if "%PICK%"=="8" call :open_outputs
if "%PICK%"=="9" goto :quit
goto :menu

rem ---------------------------------------------------------------- the tasks (each returns with exit /b)
:web
echo == Mở trình soạn thảo trên trình duyệt. Giữ cửa sổ này khi làm việc; xong thì đóng nó (hoặc nhấn Ctrl-C).
%RUN% "%PY%" -m pipeline web
set "CODE=%ERRORLEVEL%"
if "%CODE%"=="130" set "CODE=0"
call :done "Trình soạn thảo đã dừng."
exit /b

:dossier
echo == Lập hồ sơ cho mọi tệp trong inputs\ ...
%RUN% "%PY%" -m pipeline dossier inputs
set "CODE=%ERRORLEVEL%"
if not "%CODE%"=="0" goto :dossier_failed
echo ✓ Xong. Hồ sơ ở thư mục outputs, mở trong Explorer.
%RUN% start "" explorer "%~dp0outputs"
call :pause_here
exit /b 0
:dossier_failed
echo.
echo ✗ Có lỗi: đọc các dòng ở trên, sửa tệp dữ liệu trong inputs\ rồi chạy lại.
echo   Hồ sơ nào có lỗi vẫn giữ nguyên bản đã lập trước đó; thư mục outputs không được mở.
call :pause_here
exit /b %CODE%

:new_unit
%RUN% "%PY%" -m pipeline.cli.ask new-unit
set "CODE=%ERRORLEVEL%"
call :done "Đã tạo đơn vị mới."
exit /b

:new_year
%RUN% "%PY%" -m pipeline.cli.ask new-year
set "CODE=%ERRORLEVEL%"
call :done "Đã tạo năm mới."
exit /b

:staff_export
%RUN% "%PY%" -m pipeline.cli.ask staff-export
set "CODE=%ERRORLEVEL%"
call :done "Đã xuất danh sách."
exit /b

:staff_import
%RUN% "%PY%" -m pipeline.cli.ask staff-import
set "CODE=%ERRORLEVEL%"
call :done "Đã nhập danh sách."
exit /b

:validate
echo == Kiểm tra mọi tệp trong inputs\ ...
%RUN% "%PY%" -m pipeline validate inputs
set "CODE=%ERRORLEVEL%"
call :done "Kiểm tra xong."
exit /b

:open_outputs
if not exist "outputs\" echo Chưa có thư mục outputs: lập hồ sơ trước.
if exist "outputs\" %RUN% start "" explorer "%~dp0outputs"
set "CODE=0"
exit /b 0

rem ---------------------------------------------------------------- helpers
:try_python
rem Tham số: lệnh Python cần thử (đầu vào từ nul: không bao giờ chờ câu trả lời). Mã thoát 11: 3.11–3.13 64-bit (hợp bộ cài ngoại tuyến); 12: 3.11+ khác; 10: quá cũ.
%* -c "import sys; ok = sys.version_info >= (3, 11); fit = ok and sys.version_info < (3, 14) and sys.maxsize > 2**32; sys.exit(11 if fit else 12 if ok else 10)" <nul >nul 2>nul
set "RC=%ERRORLEVEL%"
if "%RC%"=="10" if not defined TOO_OLD set "TOO_OLD=%*"
if "%RC%"=="11" set "FITS_BUNDLE=1"
if "%RC%"=="11" set "BASE=%*"
if "%RC%"=="12" set "BASE=%*"
exit /b 0

:done
rem CODE: mã thoát của việc vừa chạy; tham số: lời báo khi thành công. Lỗi thì giữ cửa sổ trên thông báo.
if "%CODE%"=="0" echo ✓ %~1
if not "%CODE%"=="0" echo ✗ Chưa xong: đọc các dòng ở trên.
call :pause_here
exit /b %CODE%

:pause_here
if defined RUN exit /b 0
if /i "%LABEL%"=="menu" echo Nhấn phím bất kỳ để về menu.
if /i not "%LABEL%"=="menu" echo Nhấn phím bất kỳ để đóng cửa sổ.
pause >nul
exit /b 0

rem ---------------------------------------------------------------- what went wrong, in words
:bad_task
echo ✗ Không hiểu việc "%TASK%". Các việc: web, menu, lap-ho-so, don-vi-moi, nam-moi, xuat-excel, nhap-excel, kiem-tra, ket-qua
set "CODE=2"
goto :end

:not_unzipped
echo ✗ Thư mục này thiếu tệp của chương trình: có lẽ tệp được chạy từ bên trong tệp .zip.
echo   Nháy phải tệp .zip, chọn Extract All (Giải nén tất cả), rồi nháy đúp lap-ho-so.cmd trong thư mục vừa giải nén.
set "CODE=1"
goto :end

:no_folder
echo ✗ Không vào được thư mục của tệp này. Chép cả thư mục vào máy (ví dụ ra Desktop) rồi nháy đúp lại.
set "CODE=1"
goto :end

:no_python
echo ✗ Máy chưa có Python. Tải Python 3.13 (hoặc 3.11, 3.12) tại https://www.python.org/downloads/ ,
echo   khi cài nhớ đánh dấu ô "Add python.exe to PATH", rồi nháy đúp lại tệp này.
set "CODE=1"
goto :end

:store_stub
echo ✗ Máy chưa có Python: lệnh "python" trên máy chỉ là lối tắt tới Microsoft Store, chưa phải Python.
echo   Tải Python 3.13 (hoặc 3.11, 3.12) tại https://www.python.org/downloads/ và cài,
echo   nhớ đánh dấu ô "Add python.exe to PATH", rồi nháy đúp lại tệp này.
set "CODE=1"
goto :end

:python_too_old
echo ✗ Python trên máy quá cũ:
%TOO_OLD% -c "import sys; print('    Python ' + sys.version.split()[0])"
echo   Cần Python 3.11 trở lên (3.13, 3.12 hoặc 3.11). Tải tại https://www.python.org/downloads/ ,
echo   khi cài nhớ đánh dấu ô "Add python.exe to PATH", rồi nháy đúp lại tệp này; môi trường .venv sẽ được tạo lại.
set "CODE=1"
goto :end

:python_broken
echo ✗ Python trên máy không chạy được tệp tools\venv_stamp.py (xem dòng ở trên): cài lại Python 3.13 từ
echo   https://www.python.org/downloads/ (đánh dấu "Add python.exe to PATH"), hoặc giải nén lại toàn bộ tệp .zip.
set "CODE=1"
goto :end

:venv_locked
echo ✗ Không xóa được %VENV% để tạo lại: một cửa sổ khác của chương trình (trình soạn thảo?) đang chạy.
echo   Đóng các cửa sổ đó rồi nháy đúp lại tệp này.
set "CODE=1"
goto :end

:venv_error
echo ✗ Không tạo được môi trường Python %VENV% (xem các dòng ở trên).
echo   Cài lại Python 3.13 từ https://www.python.org/downloads/ (đánh dấu "Add python.exe to PATH") rồi nháy đúp lại.
set "CODE=1"
goto :end

:online_error
echo ✗ Cài thư viện từ Internet không thành công (các dòng tiếng Anh ở trên là của pip).
echo   Máy cần Internet ở lần chạy đầu. Không có Internet, hoặc mạng cơ quan qua proxy: dùng bộ cài ngoại tuyến
echo   (tệp .zip có thư mục wheels, xem README mục “Cài trên máy không có Internet”).
set "CODE=1"
goto :end

:offline_error
echo ✗ Cài từ thư mục wheels không thành công (các dòng tiếng Anh ở trên là của pip).
echo   Thư mục wheels thiếu tệp? Giải nén lại toàn bộ tệp .zip rồi nháy đúp lại tệp này.
set "CODE=1"
goto :end

:offline_unfit
echo ✗ Thư mục wheels có thư viện cho Python 3.11, 3.12, 3.13 bản 64-bit; Python trên máy khác các bản đó:
%BASE% -c "import sys, platform; print('    Python ' + sys.version.split()[0] + ', ' + platform.architecture()[0])"
echo   Cài thêm Python 3.13 (64-bit) từ https://www.python.org/downloads/ , đánh dấu "Add python.exe to PATH",
echo   rồi nháy đúp lại tệp này. (Có Internet thì xóa thư mục wheels để cài từ Internet.)
set "CODE=1"
goto :end

:quit
set "CODE=0"
goto :end

:end
if not "%CODE%"=="0" call :pause_here
if defined STAMP_NEW del /f /q "%STAMP_NEW%" >nul 2>nul
popd
exit /b %CODE%
