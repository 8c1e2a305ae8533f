import { apiHost, armApiFor, widgetRequest, widgetUrl } from "./arm-api";

describe("armApiFor", () => {
  it("talks to the page's own origin, or to the loopback origin ?api= names", () => {
    expect(armApiFor("http://127.0.0.1:4100/widgets/w1").baseUrl).toBe("http://127.0.0.1:4100");
    const crossOrigin = armApiFor(`http://127.0.0.1:4100/?api=${encodeURIComponent("http://127.0.0.1:4200")}`);
    expect(crossOrigin.baseUrl).toBe("http://127.0.0.1:4200");
    expect(apiHost(crossOrigin)).toBe("127.0.0.1:4200");
  });

  it("refuses an ?api= that is not loopback: a link must not send the portal elsewhere", () => {
    expect(() => armApiFor(`http://127.0.0.1:4100/?api=${encodeURIComponent("https://evil.example")}`)).toThrow(TypeError);
  });
});

describe("widgetRequest", () => {
  const api = armApiFor("http://127.0.0.1:4100/");
  it("builds each action's request, knobs as query parameters, http allowed only for an http API", () => {
    expect(widgetRequest(api, "create", "w1", { outcome: "fail", duration: 500 })).toEqual({
      method: "PUT",
      url: widgetUrl(api, "w1", { outcome: "fail", duration: 500 }),
      json: { location: "westeurope", properties: { color: "teal" } },
      allowInsecureConnection: true,
    });
    expect(widgetUrl(api, "w1", { outcome: "fail", duration: 500 })).toMatch(/\/widgets\/w1\?api-version=2024-01-01&outcome=fail&duration=500$/);
    expect(widgetRequest(api, "restart", "w1").url).toMatch(/\/widgets\/w1\/restart\?api-version=/);
    expect(widgetRequest(api, "delete", "w1").method).toBe("DELETE");
    expect(widgetRequest(armApiFor("https://127.0.0.1:4100/"), "update", "w1").allowInsecureConnection).toBe(false);
  });
});
