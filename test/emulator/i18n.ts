/** The experience pages speak English and Thai, picked from `ui_locales` like Logto does. */
export type Locale = 'en' | 'th';

const phrases = {
  en: {
    signInTitle: 'Sign in to {app}',
    identifier: 'Username or email',
    password: 'Password',
    signIn: 'Sign in',
    or: 'or',
    continueWith: 'Continue with {connector}',
    noAccount: "Don't have an account?",
    createAccount: 'Create account',
    registerTitle: 'Create your account for {app}',
    username: 'Username',
    haveAccount: 'Already have an account?',
    wrongCredentials: 'Incorrect username or password.',
    usernameTaken: 'That username is already taken.',
    usernameInvalid: 'Usernames use letters, digits and underscores, and start with a letter.',
    passwordTooShort: 'The password needs at least 8 characters.',
    deviceTitle: 'Connect a device',
    deviceEnterCode: 'Enter the code shown on your device',
    deviceCodeInvalid: 'The code is invalid or has expired. Try again.',
    deviceInterrupted: 'The sign-in was interrupted.',
    deviceConfirmTitle: 'Confirm the device',
    deviceConfirmText: 'Check that {app} shows this code:',
    continue: 'Continue',
    cancel: 'Cancel',
    deviceSuccess: 'Your device is signed in. You can close this page.',
    errorTitle: 'Something went wrong',
    signOutTitle: 'Signing out of {host}…',
    signOut: 'Sign out',
    signedOut: 'You are signed out.',
  },
  th: {
    signInTitle: 'ลงชื่อเข้าใช้ {app}',
    identifier: 'ชื่อผู้ใช้หรืออีเมล',
    password: 'รหัสผ่าน',
    signIn: 'ลงชื่อเข้าใช้',
    or: 'หรือ',
    continueWith: 'ดำเนินการต่อด้วย {connector}',
    noAccount: 'ยังไม่มีบัญชีใช่ไหม?',
    createAccount: 'สร้างบัญชี',
    registerTitle: 'สร้างบัญชีสำหรับ {app}',
    username: 'ชื่อผู้ใช้',
    haveAccount: 'มีบัญชีอยู่แล้วใช่ไหม?',
    wrongCredentials: 'ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง',
    usernameTaken: 'ชื่อผู้ใช้นี้ถูกใช้แล้ว',
    usernameInvalid: 'ชื่อผู้ใช้ต้องขึ้นต้นด้วยตัวอักษร และใช้ได้เฉพาะตัวอักษร ตัวเลข และขีดล่าง',
    passwordTooShort: 'รหัสผ่านต้องมีอย่างน้อย 8 ตัวอักษร',
    deviceTitle: 'เชื่อมต่ออุปกรณ์',
    deviceEnterCode: 'กรอกรหัสที่แสดงบนอุปกรณ์ของคุณ',
    deviceCodeInvalid: 'รหัสไม่ถูกต้องหรือหมดอายุแล้ว โปรดลองอีกครั้ง',
    deviceInterrupted: 'การลงชื่อเข้าใช้ถูกขัดจังหวะ',
    deviceConfirmTitle: 'ยืนยันอุปกรณ์',
    deviceConfirmText: 'ตรวจสอบว่า {app} แสดงรหัสนี้:',
    continue: 'ดำเนินการต่อ',
    cancel: 'ยกเลิก',
    deviceSuccess: 'อุปกรณ์ของคุณลงชื่อเข้าใช้แล้ว คุณสามารถปิดหน้านี้ได้',
    errorTitle: 'เกิดข้อผิดพลาด',
    signOutTitle: 'กำลังออกจากระบบ {host}…',
    signOut: 'ออกจากระบบ',
    signedOut: 'คุณออกจากระบบแล้ว',
  },
} satisfies Record<Locale, Record<string, string>>;

export type Phrase = keyof (typeof phrases)['en'];

export function translate(locale: Locale, key: Phrase, values: Record<string, string> = {}): string {
  return phrases[locale][key].replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? `{${name}}`);
}

/**
 * `ui_locales` is a space-separated list in order of preference (OIDC Core §3.1.2.1); the first
 * supported language wins, then the browser's Accept-Language, then English.
 */
export function pickLocale(uiLocales: string | undefined, acceptLanguage: string | undefined): Locale {
  const candidates = [
    ...(uiLocales ?? '').split(/\s+/),
    ...(acceptLanguage ?? '').split(',').map((part) => part.split(';')[0]?.trim() ?? ''),
  ];
  for (const candidate of candidates) {
    const language = candidate.toLowerCase().split(/[-_]/)[0];
    if (language === 'en' || language === 'th') return language;
  }
  return 'en';
}
