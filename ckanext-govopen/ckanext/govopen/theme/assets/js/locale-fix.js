/* govopen: fix CKAN's client-side locale lookup for three-part locales.
 *
 * ckan.initialize() reads <html lang> (BCP 47, "zh-Hans-CN" for zh_Hans_CN)
 * and calls client.getLocaleData(), which does locale.replace('-', '_'): a
 * string pattern replaces only the first hyphen, so it requests
 * /api/i18n/zh_Hans-CN, CKAN answers 400 "Unknown locale", the promise is
 * rejected and ckan.module.initialize() never runs: no data-module on any page
 * works (scheming's repeating subfields, slug preview, autocomplete, ...).
 * Replace every hyphen. Loaded after base/main and before DOM ready, i.e.
 * before ckan.initialize() runs.
 */
(function (ckan) {
  if (!ckan || !ckan.Client) { return; }
  var original = ckan.Client.prototype.getLocaleData;
  ckan.Client.prototype.getLocaleData = function (locale, success, error) {
    return original.call(this, (locale || '').replace(/-/g, '_'), success, error);
  };
})(this.ckan);
