/**
 * The hosts a continuation token may name without the app listing them: Azure Resource Manager
 * in the public and sovereign clouds, and the data-plane services that run long-running
 * operations. Each entry matches that host and its subdomains (`myvault.vault.azure.net`), over
 * https on the default port only. Every one is a front end Azure itself operates: a subdomain
 * names a customer's resource, never a server the customer runs (which is why App Service's
 * `azurewebsites.net` or static websites' `web.core.windows.net` are not here).
 *
 * Sources: the cloud environments of the Azure SDKs and CLI (ARM endpoints, Key Vault and
 * storage suffixes) and the services' own endpoint documentation.
 */
const azureDomains: readonly string[] = [
  // Azure Resource Manager: public, US Government, China (21Vianet), Germany (closed in 2021, still in the SDKs' lists).
  "management.azure.com",
  "management.usgovcloudapi.net",
  "management.chinacloudapi.cn",
  "management.microsoftazure.de",
  // Key Vault and Managed HSM.
  "vault.azure.net",
  "vault.usgovcloudapi.net",
  "vault.azure.cn",
  "managedhsm.azure.net",
  "managedhsm.usgovcloudapi.net",
  "managedhsm.azure.cn",
  // Storage (blob, Data Lake, files, queues, tables) in each cloud.
  ...["blob", "dfs", "file", "queue", "table"].flatMap((service) =>
    ["core.windows.net", "core.usgovcloudapi.net", "core.chinacloudapi.cn"].map((cloud) => `${service}.${cloud}`),
  ),
  // Azure AI services (Cognitive Services, Document Intelligence, Language, Translator, …) and Azure OpenAI.
  "cognitiveservices.azure.com",
  "cognitiveservices.azure.us",
  "cognitiveservices.azure.cn",
  "api.cognitive.microsoft.com",
  "api.cognitive.microsoft.us",
  "api.cognitive.azure.cn",
  "openai.azure.com",
  "openai.azure.us",
  "openai.azure.cn",
  "services.ai.azure.com",
  // Other data-plane services with long-running operations.
  "azconfig.io",
  "azconfig.azure.us",
  "azconfig.azure.cn",
  "communication.azure.com",
  "atlas.microsoft.com",
  "purview.azure.com",
  "dev.azuresynapse.net",
  "dev.azuresynapse.usgovcloudapi.net",
  "dev.azuresynapse.azure.cn",
  "digitaltwins.azure.net",
  "devcenter.azure.com",
  "loadtesting.azure.com",
];

/**
 * Whether a URL is on a built-in Azure cloud host: https, the default port, and a host that is
 * one of the domains above or a subdomain of one. The URL parser has already lower-cased the
 * host and turned an internationalised one into punycode, so a look-alike never matches.
 */
export function isAzureCloudUrl(url: URL): boolean {
  if (url.protocol !== "https:" || url.port !== "") return false;
  const host = url.hostname;
  return azureDomains.some((domain) => host === domain || host.endsWith(`.${domain}`));
}
