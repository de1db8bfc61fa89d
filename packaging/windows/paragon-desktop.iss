; Inno Setup recipe for Paragon Desktop on Windows. On a Windows build machine with Python 3.11+
; and Inno Setup 6:
;   py -m venv .venv && .venv\Scripts\pip install -e .[package]
;   .venv\Scripts\pyinstaller --noconfirm --distpath build\dist --workpath build\pyinstaller packaging\paragon-desktop.spec
;   "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" packaging\windows\paragon-desktop.iss
; gives build\installer\ParagonDesktop-Setup-<version>.exe (per-user install, no admin rights).

#define AppVersion "0.1.0"

[Setup]
AppId={{6C1B8E52-3F0A-4B7E-9C55-2D4F0A9E7B31}
AppName=Paragon Desktop
AppVersion={#AppVersion}
AppPublisher=Paragon Desktop
DefaultDirName={localappdata}\Programs\Paragon Desktop
DefaultGroupName=Paragon Desktop
PrivilegesRequired=lowest
OutputDir=..\..\build\installer
OutputBaseFilename=ParagonDesktop-Setup-{#AppVersion}
Compression=lzma2/max
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
WizardStyle=modern

[Languages]
Name: "dutch"; MessagesFile: "compiler:Languages\Dutch.isl"
Name: "french"; MessagesFile: "compiler:Languages\French.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[Files]
Source: "..\..\build\dist\paragon-desktop\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\Paragon Desktop"; Filename: "{app}\paragon-desktop.exe"
Name: "{userdesktop}\Paragon Desktop"; Filename: "{app}\paragon-desktop.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Run]
Filename: "{app}\paragon-desktop.exe"; Description: "{cm:LaunchProgram,Paragon Desktop}"; Flags: nowait postinstall skipifsilent
